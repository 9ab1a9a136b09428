import type { CDPSession, Page } from 'playwright-core';

/** Memory of one dedicated worker, as Chromium's DevTools protocol reports it after a full GC. */
export interface WorkerMemory {
  /** The worker script's URL. */
  readonly url: string;
  /** V8 heap in use (`Runtime.getHeapUsage().usedSize`): JS objects, strings, arrays. */
  readonly jsHeapBytes: number;
  /** Blink objects owned by the worker (`embedderHeapUsedSize`). */
  readonly embedderHeapBytes: number;
  /**
   * ArrayBuffer and external-string backing stores (`backingStorageSize`): the model's typed
   * arrays. Chromium leaves WebAssembly memories out of this figure (checked against the heap
   * snapshot), so nothing is counted twice.
   */
  readonly arrayBufferBytes: number;
  /**
   * `byteLength` of every WebAssembly.Memory in the worker (ORT's linear memory), read from a heap
   * snapshot. A linear memory never shrinks: this is the high-water mark of ORT's heap, reached
   * while the session was created, whatever is still in use now.
   */
  readonly wasmMemoryBytes: number;
  /** Compiled WebAssembly code (snapshot `WasmNativeModule`); reported, not part of the total. */
  readonly wasmCodeBytes: number;
  /**
   * Workers the worker started itself (ORT's pthreads when it runs on several threads): how many,
   * and their V8 + Blink heaps and ArrayBuffer stores, read without a GC (an idle pthread blocks
   * in `Atomics.wait` and cannot run one). Their WebAssembly.Memory is the one shared with this
   * worker, already counted above.
   */
  readonly nestedWorkers: number;
  readonly nestedHeapBytes: number;
  /** jsHeap + embedderHeap + arrayBuffers + wasmMemory + nestedHeap. */
  readonly totalBytes: number;
}

/**
 * A target reached through the page's DevTools session, in the non-flattened protocol: the
 * session ids from the page's direct child down to the target (a nested worker has two).
 */
interface AttachedWorker {
  readonly route: readonly string[];
  readonly url: string;
}

interface ProtocolMessage {
  id?: number;
  method?: string;
  params?: { chunk?: string; sessionId?: string; message?: string; targetInfo?: { type: string; url: string } };
  result?: unknown;
  error?: { message: string };
}

interface HeapUsage {
  usedSize: number;
  embedderHeapUsedSize?: number;
  backingStorageSize?: number;
}

/**
 * Measures every dedicated worker of `page` whose script URL contains `urlPart`, in Chromium,
 * through the DevTools protocol: the page's session auto-attaches to its workers and talks to
 * each over `Target.sendMessageToTarget` (and, one level down, to the workers each of them
 * started: ORT's pthreads), forces a garbage collection there (`HeapProfiler.collectGarbage`),
 * reads `Runtime.getHeapUsage`, and takes a heap snapshot to find the WebAssembly memories (their
 * size is not exposed any other way without patching ORT; `Runtime.queryObjects` crashes the
 * renderer on worker targets in Chromium 156).
 *
 * `probe` (an expression evaluated in each worker) labels the workers, e.g. `typeof self.ort`.
 *
 * @example
 * ```ts
 * const [memory] = await measureWorkerMemory(tab.page, 'ondeck-worker.js');
 * console.log(memory.totalBytes / 2 ** 20, 'MB');
 * ```
 */
export async function measureWorkerMemory(page: Page, urlPart: string, probe = 'null'): Promise<(WorkerMemory & { probe: unknown })[]> {
  const cdp = await page.context().newCDPSession(page);
  const attached: AttachedWorker[] = [];
  const pending = new Map<string, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  let snapshotChunks: string[] = [];
  let nextId = 1;
  const key = (route: readonly string[], id: number) => `${route.join('/')}#${id}`;

  // Unwraps a message coming up `route`, however deep it was nested.
  const dispatch = (route: readonly string[], raw: string): void => {
    const message = JSON.parse(raw) as ProtocolMessage;
    const params = message.params;
    if (message.method === 'Target.receivedMessageFromTarget' && params?.sessionId && params.message) {
      dispatch([...route, params.sessionId], params.message);
      return;
    }
    if (message.method === 'Target.attachedToTarget' && params?.sessionId && params.targetInfo?.type === 'worker') {
      attached.push({ route: [...route, params.sessionId], url: params.targetInfo.url });
      return;
    }
    if (message.method === 'HeapProfiler.addHeapSnapshotChunk') {
      snapshotChunks.push(params!.chunk!);
      return;
    }
    const waiting = message.id === undefined ? undefined : pending.get(key(route, message.id));
    if (!waiting) return;
    pending.delete(key(route, message.id!));
    if (message.error) waiting.reject(new Error(message.error.message));
    else waiting.resolve(message.result);
  };
  cdp.on('Target.attachedToTarget', (event) => {
    if (event.targetInfo.type === 'worker') attached.push({ route: [event.sessionId], url: event.targetInfo.url });
  });
  cdp.on('Target.receivedMessageFromTarget', (event) => dispatch([event.sessionId], event.message));

  const send = <Result>(worker: AttachedWorker, method: string, params: object = {}): Promise<Result> =>
    new Promise<Result>((resolve, reject) => {
      const id = nextId++;
      const waitingKey = key(worker.route, id);
      const timer = setTimeout(() => {
        pending.delete(waitingKey);
        reject(new Error(`${method} on ${worker.url}: no answer within 60 s`));
      }, 60_000);
      pending.set(waitingKey, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as Result);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      // Wrapped once per level below the page's direct child (the wrappers' own replies are ignored).
      let message = JSON.stringify({ id, method, params });
      for (let level = worker.route.length - 1; level >= 1; level--) {
        message = JSON.stringify({ id: nextId++, method: 'Target.sendMessageToTarget', params: { sessionId: worker.route[level], message } });
      }
      cdp.send('Target.sendMessageToTarget', { sessionId: worker.route[0], message }).catch((error: Error) => {
        pending.delete(waitingKey);
        clearTimeout(timer);
        reject(error);
      });
    });

  /**
   * GC, then heap usage (and, for `withSnapshot`, the wasm figures from a heap snapshot). An idle
   * ORT pthread sits in `Atomics.wait` and never runs what needs its thread (a GC, an evaluate):
   * those are read as they are, uncollected, which can only overstate them.
   */
  const measure = async (worker: AttachedWorker, withSnapshot: boolean) => {
    if (withSnapshot) await send(worker, 'HeapProfiler.collectGarbage');
    const usage = await send<HeapUsage>(worker, 'Runtime.getHeapUsage');
    let wasm = { wasmMemoryBytes: 0, wasmCodeBytes: 0 };
    if (withSnapshot) {
      snapshotChunks = [];
      await send(worker, 'HeapProfiler.takeHeapSnapshot', { reportProgress: false });
      wasm = wasmFromSnapshot(JSON.parse(snapshotChunks.join('')) as HeapSnapshot);
      snapshotChunks = [];
    }
    return { jsHeapBytes: usage.usedSize, embedderHeapBytes: usage.embedderHeapUsedSize ?? 0, arrayBufferBytes: usage.backingStorageSize ?? 0, ...wasm };
  };

  try {
    // Existing workers are attached at once; the attach events arrive before the reply.
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
    const workers = attached.filter((worker) => worker.route.length === 1 && worker.url.includes(urlPart));
    if (workers.length === 0) throw new Error(`no worker whose URL contains "${urlPart}" is running in the page`);
    const results: (WorkerMemory & { probe: unknown })[] = [];
    for (const worker of workers) {
      const probed = await send<{ result: { value?: unknown } }>(worker, 'Runtime.evaluate', { expression: probe, returnByValue: true });
      // Its own workers attach (their events arrive) before this reply.
      await send(worker, 'Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: false });
      const own = await measure(worker, true);
      const nested = attached.filter((candidate) => candidate.route.length === 2 && candidate.route[0] === worker.route[0]);
      let nestedHeapBytes = 0;
      for (const child of nested) {
        const usage = await measure(child, false);
        nestedHeapBytes += usage.jsHeapBytes + usage.embedderHeapBytes + usage.arrayBufferBytes;
      }
      results.push({
        url: worker.url,
        probe: probed.result.value ?? null,
        ...own,
        nestedWorkers: nested.length,
        nestedHeapBytes,
        totalBytes: own.jsHeapBytes + own.embedderHeapBytes + own.arrayBufferBytes + own.wasmMemoryBytes + nestedHeapBytes,
      });
    }
    return results;
  } finally {
    await detach(cdp);
  }
}

async function detach(cdp: CDPSession): Promise<void> {
  await cdp.send('Target.setAutoAttach', { autoAttach: false, waitForDebuggerOnStart: false }).catch(() => undefined);
  await cdp.detach().catch(() => undefined);
}

/** The parts of V8's heap snapshot format (`.heapsnapshot`) read here. */
interface HeapSnapshot {
  snapshot: { meta: { node_fields: string[]; node_types: [string[], ...unknown[]]; edge_fields: string[]; edge_types: [string[], ...unknown[]] } };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * Sums the backing stores of the buffers held by WebAssembly.Memory objects (an object whose
 * `__proto__` is `WebAssembly.Memory`, holding an ArrayBuffer or SharedArrayBuffer whose
 * `backing_store` edge leads to the data node, sized at the memory's byteLength), and the
 * compiled wasm modules.
 */
function wasmFromSnapshot(heap: HeapSnapshot): { wasmMemoryBytes: number; wasmCodeBytes: number } {
  const { meta } = heap.snapshot;
  const nodeFieldCount = meta.node_fields.length;
  const edgeFieldCount = meta.edge_fields.length;
  const nameField = meta.node_fields.indexOf('name');
  const sizeField = meta.node_fields.indexOf('self_size');
  const edgeCountField = meta.node_fields.indexOf('edge_count');
  const edgeTypeField = meta.edge_fields.indexOf('type');
  const edgeNameField = meta.edge_fields.indexOf('name_or_index');
  const edgeTargetField = meta.edge_fields.indexOf('to_node');
  const edgeTypes = meta.edge_types[0];
  const { nodes, edges, strings } = heap;

  // Edges are stored node after node: the first edge of node k follows all edges of nodes < k.
  const firstEdge = new Map<number, number>();
  let edgeOffset = 0;
  let wasmCodeBytes = 0;
  for (let node = 0; node < nodes.length; node += nodeFieldCount) {
    firstEdge.set(node, edgeOffset);
    edgeOffset += nodes[node + edgeCountField] * edgeFieldCount;
    if (strings[nodes[node + nameField]].includes('WasmNativeModule')) wasmCodeBytes += nodes[node + sizeField];
  }
  const edgesOf = function* (node: number): Generator<{ name: string | number; target: number }> {
    const start = firstEdge.get(node)!;
    for (let e = 0; e < nodes[node + edgeCountField]; e++) {
      const at = start + e * edgeFieldCount;
      const type = edgeTypes[edges[at + edgeTypeField]];
      const rawName = edges[at + edgeNameField];
      yield { name: type === 'element' || type === 'hidden' ? rawName : strings[rawName], target: edges[at + edgeTargetField] };
    }
  };
  const nameOf = (node: number): string => strings[nodes[node + nameField]];

  const counted = new Set<number>();
  let wasmMemoryBytes = 0;
  for (let node = 0; node < nodes.length; node += nodeFieldCount) {
    let isMemory = false;
    for (const edge of edgesOf(node)) if (edge.name === '__proto__' && nameOf(edge.target) === 'WebAssembly.Memory') isMemory = true;
    if (!isMemory) continue;
    for (const edge of edgesOf(node)) {
      const bufferName = nameOf(edge.target);
      if (bufferName !== 'ArrayBuffer' && bufferName !== 'SharedArrayBuffer') continue;
      for (const store of edgesOf(edge.target)) {
        if (store.name !== 'backing_store' || counted.has(store.target)) continue;
        counted.add(store.target);
        wasmMemoryBytes += nodes[store.target + sizeField];
      }
    }
  }
  return { wasmMemoryBytes, wasmCodeBytes };
}
