import { createServer, type Server } from 'node:http';
import sirv from 'sirv';

/** What the demo page reads from /config.json: where its model comes from. */
export interface DemoConfig {
  /** A plain model directory (development). */
  readonly modelUrl?: string;
  /** A signed publish directory (production path: manifest.json + blobs). */
  readonly syncUrl?: string;
  /** Base64 Ed25519 public key the device verifies sync manifests with. */
  readonly publicKey?: string;
}

/**
 * The demo app's server for `npm start`: the TV app from demo/, the SDK bundles under /ondeck/
 * (with `Service-Worker-Allowed: /` so the service worker can control the whole app), the model
 * under /model/, and /config.json. The sync endpoint is served separately, like a CDN (its CORS
 * responses are what cross-origin isolation allows). Every response makes the app cross-origin
 * isolated (COOP + COEP), as a TV app that wants onnxruntime-web's threads serves itself: the
 * `wasm` backend then runs on 2 threads.
 *
 * @example
 * ```ts
 * createDemoServer({ demoDirectory: 'demo', sdkDirectory: 'dist/browser', modelDirectory, config }).listen(8080, '127.0.0.1');
 * ```
 */
export function createDemoServer(options: { demoDirectory: string; sdkDirectory: string; modelDirectory: string; config: DemoConfig }): Server {
  const demo = sirv(options.demoDirectory, { dev: true, etag: true });
  const sdk = sirv(options.sdkDirectory, {
    dev: true,
    etag: true,
    setHeaders: (response) => response.setHeader('Service-Worker-Allowed', '/'),
  });
  const model = sirv(options.modelDirectory, { dev: true, etag: true });
  const configBody = JSON.stringify(options.config);
  const notFound = (response: import('node:http').ServerResponse): void => {
    response.writeHead(404, { 'Content-Type': 'text/plain' });
    response.end('not found');
  };
  return createServer((request, response) => {
    // Whole files only: nothing here needs byte ranges (resumable downloads are the sync
    // endpoint's, createSyncServer), and sirv reads an unclamped range end straight into
    // createReadStream, so `Range: bytes=0-9007199254740992` would end the process.
    delete request.headers.range;
    const url = request.url ?? '/';
    response.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    response.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    const strip = (prefix: string): void => {
      request.url = url.slice(prefix.length - 1);
    };
    if (url === '/config.json') {
      response.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store' });
      response.end(configBody);
    } else if (url.startsWith('/ondeck/')) {
      strip('/ondeck/');
      sdk(request, response, () => notFound(response));
    } else if (url.startsWith('/model/')) {
      strip('/model/');
      model(request, response, () => notFound(response));
    } else {
      demo(request, response, () => notFound(response));
    }
  });
}
