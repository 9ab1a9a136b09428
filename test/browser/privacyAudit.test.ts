import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findPrivacyLeaks, kindOf, type ViewerSecret } from './support/privacyAudit';
import { startRecordingProxy, type RecordedRequest, type RecordingProxy } from './support/startRecordingProxy';
import { startStaticServer, type StaticServer } from '../../scripts/browser/startStaticServer';

// The checks privacy.browser.test.ts relies on must be able to fail: fed requests that do leak,
// they must say where.

const trackedId = 'watched-5f0c2a9e81d34b77a0c1e2f3';
const profileName = 'Viewer 9d2e61c4b0a7f3e8';
const secrets: ViewerSecret[] = [
  { label: 'tracked item id', value: trackedId },
  { label: 'profile name', value: profileName },
  { label: 'event time', value: '1762441234567' },
  { label: 'event type', value: 'like', wholeWord: true },
  { label: 'event type', value: 'play', wholeWord: true },
];
const userAgent = 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36';

/** A GET as an engine sends it, with `changes` applied. */
function request(changes: Partial<RecordedRequest> = {}): RecordedRequest {
  return {
    method: 'GET',
    url: '/model/catalog.json',
    headers: [
      ['Host', '127.0.0.1:8080'],
      ['User-Agent', userAgent],
      ['Referer', 'http://127.0.0.1:8080/pages/privacy.html'],
    ],
    body: new Uint8Array(0),
    at: 0,
    ...changes,
  };
}
const where = (requests: RecordedRequest[]) =>
  findPrivacyLeaks(requests, secrets, { browserUserAgent: userAgent }).map((leak) => `${leak.request}: ${leak.secret} in ${leak.where}`);

describe('findPrivacyLeaks', () => {
  it('finds nothing in requests that carry nothing about the viewer', () => {
    expect(where([request(), request({ url: '/sync/manifest.json', headers: [['If-None-Match', '"0a1b2c"']] })])).toEqual([]);
  });

  it('reports a tracked item id in a URL and the profile name in a body', () => {
    const leaking = [
      request({ url: `/model/scoring.onnx?last=${trackedId}` }),
      request({ method: 'POST', url: '/collect', body: new TextEncoder().encode(JSON.stringify({ profile: profileName })) }),
    ];
    expect(where(leaking)).toEqual(['0: tracked item id in url', '1: profile name in body']);
  });

  it('finds a secret percent-encoded, form-encoded, in another case, and in any header', () => {
    expect(
      where([
        request({ url: `/x?who=${encodeURIComponent(profileName)}` }),
        request({ method: 'POST', body: new TextEncoder().encode(`who=${profileName.replace(' ', '+')}`) }),
        request({ url: `/x/${trackedId.toUpperCase()}` }),
        request({ headers: [['X-Last-Watched', trackedId]] }),
        request({ headers: [['Referer', 'http://127.0.0.1:8080/pages/privacy.html#t=1762441234567']] }),
      ]),
    ).toEqual(['0: profile name in url', '1: profile name in body', '2: tracked item id in url', '3: tracked item id in header X-Last-Watched', '4: event time in header Referer']);
  });

  it("matches ordinary words whole only, and not in the browser's own User-Agent", () => {
    expect(where([request({ url: '/pages/display.js' }), request({ url: '/events?type=like' }), request({ headers: [['User-Agent', `${userAgent} play`]] })])).toEqual([
      '1: event type in url',
      // A User-Agent that is not the browser's own is searched like any header: its `like Gecko`
      // and the `play` added to it.
      '2: event type in header User-Agent',
      '2: event type in header User-Agent',
    ]);
  });
});

describe('kindOf', () => {
  it('names the first kind that matches, or null', () => {
    const kinds = [
      { kind: 'model file', matches: (target: string) => target === '/model/model.json' },
      { kind: 'SDK script', matches: (target: string) => target.startsWith('/dist/') },
    ];
    expect(kindOf('/model/model.json', kinds)).toBe('model file');
    expect(kindOf('/model/model.json?profile=kids', kinds)).toBeNull();
    expect(kindOf('/dist/ondeck.js', kinds)).toBe('SDK script');
  });
});

describe('startRecordingProxy', () => {
  let directory: string;
  let files: StaticServer;
  let proxy: RecordingProxy;
  beforeAll(async () => {
    directory = await mkdtemp(join(tmpdir(), 'ondeck-recording-proxy-'));
    await writeFile(join(directory, 'hello.txt'), 'hello');
    files = await startStaticServer({ mounts: { '/files/': directory } });
    proxy = await startRecordingProxy({ target: files.origin, responseHeaders: { 'Service-Worker-Allowed': '/' } });
  });
  afterAll(async () => {
    await proxy?.close();
    await files?.close();
    if (directory) await rm(directory, { recursive: true, force: true });
  });

  it("passes requests on and answers with the server's response plus its own headers", async () => {
    const response = await fetch(`${proxy.origin}/files/hello.txt?x=1`);
    expect(response.status).toBe(200);
    expect(response.headers.get('service-worker-allowed')).toBe('/');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.text()).toBe('hello');
    expect(files.requestedPaths).toEqual(['/files/hello.txt?x=1']);
  });

  it('records method, target, every header line and the body', async () => {
    const before = proxy.requests.length;
    const response = await fetch(`${proxy.origin}/collect?a=b`, { method: 'POST', headers: { 'X-Viewer': 'someone' }, body: 'profile=kids' });
    expect(response.status).toBe(405);
    const [recorded] = proxy.requests.slice(before);
    expect(recorded).toMatchObject({ method: 'POST', url: '/collect?a=b' });
    expect(recorded!.headers).toContainEqual(['X-Viewer', 'someone']);
    expect(new TextDecoder().decode(recorded!.body)).toBe('profile=kids');
  });
});
