import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomBytes } from 'node:crypto';
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  AuthenticationError,
  NetworkError,
  ConfigurationError,
  LocalAgentError,
} from '@localagent/errors';
import { captureLogger, FAST, fakeKeys, removeDir, tempDir } from '../test/support/fixtures';
import { assertLiveCheckTarget, authHeaders, isLoopbackHost, liveCheckUrl } from './live-check';
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
    // the local stand-in is a new host: only config.yaml can allow it, not the environment variable
    writeFileSync(
      join(dir, 'config.yaml'),
      "security:\n  live_check:\n    allowed_hosts: ['127.0.0.1']\n",
    );
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

/** A 127.0.0.1 server recording every request, answering with `respond`. */
async function recordingServer(
  respond: (res: import('node:http').ServerResponse) => void,
): Promise<{
  server: Server;
  origin: string;
  host: string;
  seen: Seen[];
  close: () => Promise<void>;
}> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method, url: req.url, headers: req.headers });
    respond(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const host = `127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin: `http://${host}`,
    host,
    seen,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

const KEY_HEADERS = ['x-api-key', 'x-goog-api-key', 'api-key', 'authorization'] as const;

describe('live check egress (issue 15, finding 2)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-egress-');
  });
  afterEach(() => removeDir(dir));

  const manager = (options: {
    env?: Record<string, string>;
    yaml?: string;
    fetch?: typeof fetch;
  }): Promise<SecureKeyManager> => {
    if (options.yaml !== undefined) writeFileSync(join(dir, 'config.yaml'), options.yaml);
    return SecureKeyManager.create({
      configDir: dir,
      storage: 'file',
      masterPassword: 'pass phrase 12+',
      env: options.env ?? {},
      logger: captureLogger(),
      ...(options.fetch === undefined ? {} : { fetch: options.fetch }),
      ...FAST,
    });
  };

  /** An injected fetch that records calls and answers 200: a refused check never reaches it. */
  const spyFetch = (): { fetch: typeof fetch; urls: string[] } => {
    const urls: string[] = [];
    const fetchSpy = (async (input: Parameters<typeof fetch>[0]) => {
      urls.push(String(input));
      return new Response('{"data":[]}', { status: 200 });
    }) as typeof fetch;
    return { fetch: fetchSpy, urls };
  };

  const ALLOW_LOOPBACK = "security:\n  live_check:\n    allowed_hosts: ['127.0.0.1']\n";

  it.each([
    ['openai', () => fakeKeys.openai()],
    ['anthropic', () => fakeKeys.anthropic()],
    ['gemini', () => fakeKeys.gemini()],
    ['azure-openai', () => randomBytes(20).toString('hex')],
  ])(
    'does not follow a redirect to another host (%s): the other host gets no key header and the check fails',
    async (name, makeKey) => {
      const other = await recordingServer((res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}'),
      );
      const redirecting = await recordingServer((res) =>
        res.writeHead(302, { location: `${other.origin}/v1/models?stolen=1` }).end(),
      );
      try {
        const key = makeKey();
        const envVar = `LOCALAGENT_${name.toUpperCase().replace(/-/g, '_')}_BASE_URL`;
        const m = await manager({
          env: { [envVar]: `${redirecting.origin}/v1` },
          yaml: ALLOW_LOOPBACK,
        });
        const error = await m.storeKey(name, key, { validate: 'live' }).catch((e: unknown) => e);
        m.close();
        expect(ConfigurationError.isInstance(error)).toBe(true);
        expect(error).toMatchObject({
          code: 'LA_LIVE_CHECK_BLOCKED',
          details: { reasonCode: 'redirect', host: redirecting.host, redirectHost: other.host },
        });
        expect((error as Error).message).toContain(other.host);
        expect(JSON.stringify((error as LocalAgentError).toJSON())).not.toContain(key);
        expect(redirecting.seen).toHaveLength(1);
        for (const request of other.seen)
          for (const header of KEY_HEADERS) expect(request.headers[header]).toBeUndefined();
        expect(other.seen).toHaveLength(0);
        expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
      } finally {
        await redirecting.close();
        await other.close();
      }
    },
  );

  it('refuses a base URL only an environment variable names, before any request', async () => {
    const spy = spyFetch();
    const m = await manager({
      env: { LOCALAGENT_ANTHROPIC_BASE_URL: 'https://evil.example/v1' },
      fetch: spy.fetch,
    });
    const error = await m
      .storeKey('anthropic', fakeKeys.anthropic(), { validate: 'live' })
      .catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    expect(error).toMatchObject({
      code: 'LA_LIVE_CHECK_BLOCKED',
      details: { reasonCode: 'host_not_allowed', host: 'evil.example' },
      suggestion: expect.stringContaining('security.live_check.allowed_hosts'),
    });
    expect(spy.urls).toEqual([]);
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    m.close();
  });

  it('refuses loopback too when only the environment names it', async () => {
    const local = await recordingServer((res) => res.writeHead(200).end('{}'));
    try {
      const m = await manager({ env: { LOCALAGENT_OPENAI_BASE_URL: `${local.origin}/v1` } });
      await expect(
        m.storeKey('openai', fakeKeys.openai(), { validate: 'live' }),
      ).rejects.toMatchObject({
        code: 'LA_LIVE_CHECK_BLOCKED',
        details: { reasonCode: 'host_not_allowed' },
      });
      expect(local.seen).toHaveLength(0);
      m.close();
    } finally {
      await local.close();
    }
  });

  it('refuses plain http to a host that is not loopback, even when it is allowed or in config', async () => {
    const spy = spyFetch();
    const m = await manager({
      env: { LOCALAGENT_OPENAI_BASE_URL: 'http://evil.example/v1' },
      yaml: [
        'security:',
        "  live_check: { allowed_hosts: ['evil.example'] }",
        '  providers:',
        "    groq: { base_url: 'http://groq.example/openai/v1' }",
        '',
      ].join('\n'),
      fetch: spy.fetch,
    });
    await expect(
      m.storeKey('openai', fakeKeys.openai(), { validate: 'live' }),
    ).rejects.toMatchObject({
      code: 'LA_LIVE_CHECK_BLOCKED',
      details: { reasonCode: 'insecure_url', host: 'evil.example' },
    });
    await expect(m.storeKey('groq', fakeKeys.groq(), { validate: 'live' })).rejects.toMatchObject({
      code: 'LA_LIVE_CHECK_BLOCKED',
      details: { reasonCode: 'insecure_url', host: 'groq.example' },
    });
    expect(spy.urls).toEqual([]);
    m.close();
  });

  it('sends to a 127.0.0.1 host:port allowed in config.yaml, not to another port', async () => {
    const local = await recordingServer((res) => res.writeHead(200).end('{"data":[]}'));
    try {
      const m = await manager({
        env: { LOCALAGENT_OPENAI_BASE_URL: `${local.origin}/v1` },
        yaml: `security:\n  live_check:\n    allowed_hosts: ['${local.host}']\n`,
      });
      await expect(
        m.storeKey('openai', fakeKeys.openai(), { validate: 'live' }),
      ).resolves.toMatchObject({ store: 'file' });
      expect(local.seen).toHaveLength(1);
      m.close();
      const port = Number(local.host.split(':')[1]);
      const elsewhere = await manager({
        env: { LOCALAGENT_OPENAI_BASE_URL: `http://127.0.0.1:${port === 1 ? 2 : port - 1}/v1` },
      });
      await expect(
        elsewhere.storeKey('openai', fakeKeys.openai(), { validate: 'live' }),
      ).rejects.toMatchObject({ code: 'LA_LIVE_CHECK_BLOCKED' });
      elsewhere.close();
    } finally {
      await local.close();
    }
  });

  it("allows a provider's own base_url from config.yaml (a declared custom provider) without allowed_hosts", async () => {
    const local = await recordingServer((res) => res.writeHead(200).end('{}'));
    try {
      const m = await manager({
        yaml: `security:\n  providers:\n    my-llm: { base_url: '${local.origin}/v1', auth: api-key }\n`,
      });
      const key = `ml-${randomBytes(16).toString('hex')}`;
      await expect(m.storeKey('my-llm', key, { validate: 'live' })).resolves.toMatchObject({
        store: 'file',
      });
      expect(local.seen[0]).toMatchObject({ url: '/v1/models', headers: { 'api-key': key } });
      m.close();
    } finally {
      await local.close();
    }
  });

  it('decides targets by the parsed URL: schemes, loopback forms, ports and userinfo tricks', () => {
    const openai = resolveProvider('openai');
    expect(assertLiveCheckTarget(openai, 'https://api.openai.com/v1/models').host).toBe(
      'api.openai.com',
    );
    expect(assertLiveCheckTarget(openai, 'https://API.openai.com:443/v1/models').host).toBe(
      'api.openai.com',
    );
    const refused = (url: string, allowed: string[] = []): string => {
      try {
        assertLiveCheckTarget(openai, url, allowed);
        return 'sent';
      } catch (error) {
        return (error as LocalAgentError).details['reasonCode'] as string;
      }
    };
    expect(refused('https://api.openai.com:8443/v1/models')).toBe('host_not_allowed');
    expect(refused('https://api.openai.com@evil.example/v1/models')).toBe('host_not_allowed');
    expect(refused('http://api.openai.com/v1/models')).toBe('insecure_url');
    expect(refused('https://proxy.example:8443/v1', ['proxy.example'])).toBe('sent');
    expect(refused('https://proxy.example/v1', ['proxy.example:8443'])).toBe('host_not_allowed');
    expect(refused('https://proxy.example/v1', ['proxy.example:443'])).toBe('sent');
    expect(refused('https://PROXY.example/v1', ['Proxy.Example'])).toBe('sent');
    expect(refused('http://localhost:8080/v1', ['localhost'])).toBe('sent');
    expect(refused('http://[::1]:8080/v1', ['[::1]'])).toBe('sent');
    expect(refused('http://127.3.2.1:8080/v1', ['127.3.2.1:8080'])).toBe('sent');
    expect(refused('http://127.0.0.1.evil.example/v1', ['127.0.0.1.evil.example'])).toBe(
      'insecure_url',
    );
    expect(isLoopbackHost('127.0.0.1')).toBe(true);
    expect(isLoopbackHost('[::1]')).toBe(true);
    expect(isLoopbackHost('localhost')).toBe(true);
    expect(isLoopbackHost('10.0.0.1')).toBe(false);
    expect(isLoopbackHost('[::2]')).toBe(false);
  });

  it('rejects a malformed allowed_hosts entry when config.yaml is loaded', async () => {
    await expect(
      manager({ yaml: "security:\n  live_check:\n    allowed_hosts: ['https://x.example/']\n" }),
    ).rejects.toMatchObject({ code: 'LA_CONFIG_INVALID' });
  });
});

describe('the key under validation is a secret (issue 15, finding 6)', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-echo-');
  });
  afterEach(() => removeDir(dir));

  it('masks a custom-format key a provider echoes in its 401 body, in message, details and JSON', async () => {
    // no marker (`key:`, `token`) before it and a shape no pattern knows: only the registry masks it
    const key = `mlk${randomBytes(16).toString('hex')}`;
    const echo = await recordingServer((res) =>
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(
          JSON.stringify({ error: { message: `${key} is not valid here`, type: 'auth_error' } }),
        ),
    );
    try {
      writeFileSync(
        join(dir, 'config.yaml'),
        `security:\n  providers:\n    my-llm: { base_url: '${echo.origin}/v1' }\n`,
      );
      const m = await SecureKeyManager.create({
        configDir: dir,
        storage: 'file',
        masterPassword: 'pass phrase 12+',
        env: {},
        logger: captureLogger(),
        ...FAST,
      });
      const error = (await m
        .storeKey('my-llm', key, { validate: 'live' })
        .catch((e: unknown) => e)) as LocalAgentError;
      m.close();
      expect(AuthenticationError.isInstance(error)).toBe(true);
      expect(echo.seen).toHaveLength(1);
      const everything = [
        error.message,
        JSON.stringify(error.details),
        JSON.stringify(error.toJSON({ stack: true })),
        String(error.suggestion),
      ].join('\n');
      expect(everything).toContain('is not valid here');
      expect(everything).not.toContain(key);
      expect(everything).not.toContain(key.slice(3, 20));
    } finally {
      await echo.close();
    }
  });
});
