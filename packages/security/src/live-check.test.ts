import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { AuthenticationError, NetworkError, ConfigurationError } from '@localagent/errors';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from '../test/support/fixtures';
import { authHeaders, liveCheckUrl } from './live-check';
import { resolveProvider } from './providers';
import { SecureKeyManager } from './secure-key-manager';

interface Seen {
  method: string | undefined;
  url: string | undefined;
  headers: IncomingHttpHeaders;
}

/** A real provider stand-in on 127.0.0.1 that accepts exactly one key. */
async function fakeProvider(
  validKey: string,
): Promise<{ server: Server; base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    const presented =
      req.headers.authorization?.replace(/^Bearer /, '') ??
      req.headers['x-api-key'] ??
      req.headers['x-goog-api-key'];
    if (presented === validKey) {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
    } else {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(
          '{"error":{"message":"Incorrect API key provided","type":"invalid_request_error","code":"invalid_api_key"}}',
        );
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, seen };
}

describe("validate: 'live'", () => {
  let dir: string;
  let provider: Awaited<ReturnType<typeof fakeProvider>>;
  const good = fakeKeys.openai();
  beforeEach(async () => {
    dir = tempDir('la-live-');
    provider = await fakeProvider(good);
  });
  afterEach(async () => {
    await new Promise((resolve) => provider.server.close(resolve));
    removeDir(dir);
  });

  const manager = (env: Record<string, string>): Promise<SecureKeyManager> =>
    SecureKeyManager.create({
      configDir: dir,
      storage: 'file',
      masterPassword: 'pass phrase 12+',
      env,
      logger: captureLogger(),
      ...FAST,
    });

  it('stores a key the provider accepts (GET {base}/models with a Bearer header)', async () => {
    const m = await manager({ LOCALAGENT_OPENAI_BASE_URL: provider.base });
    await expect(m.storeKey('openai', good, { validate: 'live' })).resolves.toMatchObject({
      store: 'file',
    });
    await expect(m.retrieveKey('openai')).resolves.toBe(good);
    expect(provider.seen[0]).toMatchObject({ method: 'GET', url: '/v1/models' });
    expect(provider.seen[0]?.headers.authorization).toBe(`Bearer ${good}`);
    m.close();
  });

  it('stores nothing on a 401 (AuthenticationError) and nothing when the provider is unreachable (NetworkError)', async () => {
    const m = await manager({ LOCALAGENT_OPENAI_BASE_URL: `${provider.base}/` });
    const rejected = await m
      .storeKey('openai', fakeKeys.openai(), { validate: 'live' })
      .catch((e: unknown) => e);
    expect(AuthenticationError.isInstance(rejected)).toBe(true);
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);

    const closed = await fakeProvider(good);
    const unreachable = `${closed.base}`;
    await new Promise((resolve) => closed.server.close(resolve));
    const offline = await manager({ LOCALAGENT_OPENAI_BASE_URL: unreachable });
    const error = await offline
      .storeKey('openai', good, { validate: 'live' })
      .catch((e: unknown) => e);
    expect(NetworkError.isInstance(error)).toBe(true);
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    // the way out the error suggests: store without the live check
    await expect(offline.storeKey('openai', good, { validate: 'format' })).resolves.toMatchObject({
      store: 'file',
    });
    m.close();
    offline.close();
  });

  it('goes through @localagent/resilience: a 503 gets one more attempt, a 401 none', async () => {
    let calls = 0;
    const flaky = createServer((_req, res) => {
      calls += 1;
      res.writeHead(calls === 1 ? 503 : 200, { 'content-type': 'application/json' }).end('{}');
    });
    await new Promise<void>((resolve) => flaky.listen(0, '127.0.0.1', resolve));
    const m = await manager({
      LOCALAGENT_GROQ_BASE_URL: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`,
    });
    await expect(m.storeKey('groq', fakeKeys.groq(), { validate: 'live' })).resolves.toMatchObject({
      store: 'file',
    });
    expect(calls).toBe(2);
    await new Promise((resolve) => flaky.close(resolve));
    const strict = await manager({ LOCALAGENT_OPENAI_BASE_URL: provider.base });
    await strict.storeKey('openai', fakeKeys.openai(), { validate: 'live' }).catch(() => undefined);
    expect(provider.seen).toHaveLength(1);
    m.close();
    strict.close();
  });

  it('leaves retries to an injected fetch (e.g. createResilientFetch), so they do not multiply', async () => {
    let calls = 0;
    const injected = (async () => {
      calls += 1;
      return new Response('{}', { status: 503 });
    }) as typeof fetch;
    const m = await SecureKeyManager.create({
      configDir: dir,
      storage: 'file',
      masterPassword: 'pass phrase 12+',
      env: {},
      fetch: injected,
      logger: captureLogger(),
      ...FAST,
    });
    await expect(m.storeKey('openai', good, { validate: 'live' })).rejects.toMatchObject({
      code: 'LA_PROVIDER_UNAVAILABLE',
    });
    expect(calls).toBe(1);
    m.close();
  });

  it('rotates only to a key the provider accepts', async () => {
    const m = await manager({ LOCALAGENT_OPENAI_BASE_URL: provider.base });
    await m.storeKey('openai', fakeKeys.openai());
    await expect(
      m.rotateKey('openai', fakeKeys.openai(), { validate: 'live' }),
    ).rejects.toMatchObject({ code: 'LA_AUTH_FAILED' });
    await expect(m.rotateKey('openai', good, { validate: 'live' })).resolves.toMatchObject({
      store: 'file',
    });
    m.close();
  });

  it('sends each provider’s auth header', () => {
    expect(authHeaders(resolveProvider('anthropic'), 'k')).toEqual({
      'x-api-key': 'k',
      'anthropic-version': '2023-06-01',
    });
    expect(authHeaders(resolveProvider('gemini'), 'k')).toEqual({ 'x-goog-api-key': 'k' });
    expect(authHeaders(resolveProvider('azure-openai'), 'k')).toEqual({ 'api-key': 'k' });
    expect(authHeaders(resolveProvider('groq'), 'k')).toEqual({ authorization: 'Bearer k' });
  });

  it('sends Anthropic’s x-api-key and anthropic-version to the local server', async () => {
    const anthropicKey = fakeKeys.anthropic();
    const anthropic = await fakeProvider(anthropicKey);
    const m = await manager({ LOCALAGENT_ANTHROPIC_BASE_URL: anthropic.base });
    await expect(
      m.storeKey('anthropic', anthropicKey, { validate: 'live' }),
    ).resolves.toMatchObject({ store: 'file' });
    expect(anthropic.seen[0]?.headers['anthropic-version']).toBe('2023-06-01');
    await new Promise((resolve) => anthropic.server.close(resolve));
    m.close();
  });

  it('needs a base URL for providers without a fixed endpoint', () => {
    expect(() => liveCheckUrl(resolveProvider('azure-openai'), {})).toThrow(ConfigurationError);
    expect(
      liveCheckUrl(resolveProvider('azure-openai'), {
        LOCALAGENT_AZURE_OPENAI_BASE_URL: 'http://127.0.0.1:1/openai',
      }),
    ).toBe('http://127.0.0.1:1/openai/models?api-version=2024-10-21');
    expect(liveCheckUrl(resolveProvider('gemini'), {})).toBe(
      'https://generativelanguage.googleapis.com/v1beta/models',
    );
    expect(() =>
      liveCheckUrl(resolveProvider('openai'), { LOCALAGENT_OPENAI_BASE_URL: 'ftp://x' }),
    ).toThrow(/base URL/);
  });
});
