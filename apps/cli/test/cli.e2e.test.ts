/**
 * End to end: the BUILT bundle (`pnpm --filter @localagent/cli build` first), spawned as a user runs
 * it, with a fresh config dir, env vars and stdin. No TTY: keys come from --stdin.
 */
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { fakeKey, MASTER_PASSWORD, tempConfigDir } from './harness';

const BUNDLE = resolve(__dirname, '..', 'dist', 'localagent.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const transcript: string[] = [];

interface RunOptions {
  dir: string;
  input?: string;
  env?: Record<string, string>;
}

function childEnv(options: RunOptions): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    LOCALAGENT_CONFIG_DIR: options.dir,
    LOCALAGENT_STORAGE: 'file',
    LOCALAGENT_MASTER_PASSWORD: MASTER_PASSWORD,
    ...options.env,
  };
}

function localagent(args: string[], options: RunOptions): Result {
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: childEnv(options),
  });
  transcript.push(result.stdout, result.stderr);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** For runs that talk to a server in this process: spawnSync would block the server's event loop. */
function localagentAsync(args: string[], options: RunOptions): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: childEnv(options) });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', fail);
    child.on('close', (code) => {
      transcript.push(stdout, stderr);
      done({ code, stdout, stderr });
    });
    child.stdin.end(options.input ?? '');
  });
}

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path) : [path];
  });
}

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run \`pnpm --filter @localagent/cli build\` first`);
});

describe('localagent (built bundle)', () => {
  const dir = tempConfigDir(
    `logging:\n  level: debug\n  format: json\n  file:\n    path: LOGDIR/cli.log\n`,
  );
  writeFileSync(
    join(dir, 'config.yaml'),
    readFileSync(join(dir, 'config.yaml'), 'utf8').replace('LOGDIR', join(dir, 'logs')),
  );
  const openai = fakeKey();
  const rotated = fakeKey();
  const anthropic = fakeKey(['sk', 'ant', 'api03', ''].join('-'));
  const override = fakeKey();
  const inArgv = fakeKey();
  const asProvider = `sk-${randomBytes(20).toString('hex')}`;

  it('prints its version and help (exit 0)', () => {
    expect(localagent(['--version'], { dir }).stdout).toMatch(/^\d+\.\d+\.\d+/);
    const help = localagent(['--help'], { dir });
    expect(help.code).toBe(0);
    for (const command of ['config', 'audit', 'doctor', 'errors'])
      expect(help.stdout).toContain(command);
    expect(localagent(['audit', 'show', '--help'], { dir }).stdout).toContain('--tail');
  });

  it('stores keys from stdin, lists them and shows fingerprints (exit 0)', () => {
    const stored = localagent(['config', 'set-key', 'openai', '--stdin'], {
      dir,
      input: `${openai}\n`,
    });
    expect(stored).toMatchObject({ code: 0 });
    expect(stored.stdout).toContain('Stored the openai key');
    const json = localagent(['--json', 'config', 'set-key', 'anthropic', '--stdin'], {
      dir,
      input: anthropic,
    });
    expect(JSON.parse(json.stdout)).toEqual({
      provider: 'anthropic',
      stored: true,
      source: 'file',
      location: expect.stringMatching(/^the encrypted file .*keys\.enc$/),
      removedFrom: [],
      fingerprint: expect.any(String),
      validate: 'format',
    });
    const list = localagent(['config', 'list-keys', '--json'], { dir });
    expect(
      (JSON.parse(list.stdout) as { keys: Array<{ provider: string }> }).keys
        .map((k) => k.provider)
        .sort(),
    ).toEqual(['anthropic', 'openai']);
    const get = localagent(['config', 'get-key', 'openai', '--json'], { dir });
    expect(JSON.parse(get.stdout)).toEqual({
      provider: 'openai',
      source: 'file',
      fingerprint: expect.stringContaining(openai.slice(-4)),
    });
  });

  it('lets OPENAI_API_KEY override the stored key', () => {
    const get = localagent(['config', 'get-key', 'openai', '--json'], {
      dir,
      env: { OPENAI_API_KEY: override },
    });
    expect(JSON.parse(get.stdout)).toMatchObject({
      source: 'env',
      fingerprint: expect.stringContaining(override.slice(-4)),
    });
  });

  it('reveals a key only when asked', () => {
    const revealed = localagent(['config', 'get-key', 'openai', '--reveal'], { dir });
    expect(revealed.stdout.trim()).toBe(openai);
    transcript.pop();
    transcript.pop(); // the one output that is meant to hold a key
  });

  it('rotates and deletes keys', () => {
    const rotate = localagent(['config', 'rotate-key', 'openai', '--stdin', '--json'], {
      dir,
      input: rotated,
    });
    expect(JSON.parse(rotate.stdout)).toMatchObject({
      rotated: true,
      fingerprint: expect.stringContaining(rotated.slice(-4)),
    });
    expect(
      JSON.parse(
        localagent(['config', 'delete-key', 'anthropic', '--yes', '--json'], { dir }).stdout,
      ),
    ).toMatchObject({ deleted: true });
    expect(localagent(['config', 'delete-key', 'anthropic', '--yes'], { dir }).code).toBe(4);
  });

  it('validates the config, runs doctor and explains error codes', () => {
    expect(localagent(['config', 'validate'], { dir }).stdout).toContain('is valid');
    const doctor = localagent(['doctor', '--json'], { dir });
    expect(doctor.code).toBe(0);
    expect(JSON.parse(doctor.stdout)).toMatchObject({
      ok: true,
      security: { activeBackend: 'file' },
    });
    const explain = localagent(['errors', 'explain', 'LA_DECRYPTION_FAILED', '--json'], { dir });
    expect(JSON.parse(explain.stdout)).toMatchObject({
      code: 'LA_DECRYPTION_FAILED',
      exitCode: 3,
      meaning: expect.any(String),
      suggestion: expect.any(String),
    });
  });

  it('refuses a key passed as an argument (exit 2) and stores nothing', () => {
    const result = localagent(['config', 'set-key', 'mistral', inArgv, '--json'], { dir });
    expect(result.code).toBe(2);
    expect(JSON.parse(result.stdout).error).toEqual({
      code: 'LA_KEY_IN_ARGV',
      category: 'user',
      message: expect.stringContaining('shell history'),
      suggestion: expect.stringContaining('--stdin'),
    });
    expect(localagent(['config', 'get-key', 'mistral'], { dir }).code).toBe(4);
    expect(localagent(['config', 'set-key', 'mistral'], { dir }).stderr).toContain('--stdin');
    // a key typed where the provider goes is refused too, before it can reach the audit log
    for (const command of [
      ['get-key', asProvider],
      ['delete-key', asProvider, '--yes'],
    ]) {
      const refused = localagent(['config', ...command, '--json'], { dir });
      expect(refused.code).toBe(2);
      expect(JSON.parse(refused.stdout).error.code).toBe('LA_KEY_IN_ARGV');
    }
    expect(localagent(['errors', 'explain', asProvider], { dir }).stderr).toContain(
      'not an error code',
    );
  });

  it('exits 2 for usage errors, 3 for user errors, 4 for missing things', () => {
    expect(localagent(['config', 'frobnicate'], { dir }).code).toBe(2);
    expect(localagent(['config', 'list-keys', '--nope'], { dir }).code).toBe(2);
    const wrong = localagent(['config', 'get-key', 'openai', '--json'], {
      dir,
      env: { LOCALAGENT_MASTER_PASSWORD: 'wrong-password' },
    });
    expect(wrong.code).toBe(3);
    expect(JSON.parse(wrong.stdout).error.code).toBe('LA_DECRYPTION_FAILED');
    expect(
      localagent(['config', 'set-key', 'openai', '--stdin'], { dir, input: 'short' }).code,
    ).toBe(3);
    expect(localagent(['errors', 'explain', 'LA_NOT_A_CODE'], { dir }).code).toBe(4);
  });

  it('verifies the audit log, and exits 6 once a line is edited', () => {
    const show = localagent(['audit', 'show', '--tail', '3', '--json'], { dir });
    expect((JSON.parse(show.stdout) as { entries: unknown[] }).entries).toHaveLength(3);
    expect(localagent(['audit', 'verify'], { dir }).code).toBe(0);
    const log = join(dir, 'audit.log');
    const lines = readFileSync(log, 'utf8').split('\n');
    [lines[0], lines[1]] = [lines[1] ?? '', lines[0] ?? ''];
    writeFileSync(log, lines.join('\n'));
    const verify = localagent(['audit', 'verify', '--json'], { dir });
    expect(verify.code).toBe(6);
    expect(JSON.parse(verify.stdout).error).toMatchObject({
      code: 'LA_AUDIT_TAMPERED',
      category: 'system',
    });
  });

  it('wrote JSON logs to the configured file, and no output, log or file under the config dir holds a key', () => {
    const logFiles = files(join(dir, 'logs'));
    expect(logFiles.length).toBeGreaterThan(0);
    expect(logFiles.map((f) => readFileSync(f, 'utf8')).join('')).toContain(
      'opening the key store',
    );
    const everything = [
      transcript.join('\n'),
      ...files(dir).map((f) => readFileSync(f).toString('latin1')),
    ].join('\n');
    for (const key of [openai, rotated, anthropic, override, inArgv, asProvider])
      expect(everything).not.toContain(key);
  });
});

describe('localagent (built bundle): failures of the environment', () => {
  it('exits 1 when the key file is corrupted, and leaves it untouched', () => {
    const dir = tempConfigDir();
    expect(
      localagent(['config', 'set-key', 'openai', '--stdin'], { dir, input: fakeKey() }).code,
    ).toBe(0);
    const garbage = Buffer.from('this is not an encrypted key file at all');
    writeFileSync(join(dir, 'keys.enc'), garbage);
    const result = localagent(['config', 'list-keys', '--json'], { dir });
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout).error.code).toBe('LA_STORAGE_FAILED');
    expect(readFileSync(join(dir, 'keys.enc'))).toEqual(garbage);
  });

  it('without a D-Bus session: --storage keyring fails (exit 1, nothing stored), auto falls back to the file with one warning', () => {
    // childEnv passes no DBUS_SESSION_BUS_ADDRESS, so no Secret Service is reachable
    const dir = tempConfigDir();
    const keyring = localagent(
      ['config', 'set-key', 'openai', '--stdin', '--storage', 'keyring', '--json'],
      { dir, input: fakeKey() },
    );
    expect(keyring.code).toBe(1);
    expect(JSON.parse(keyring.stdout).error).toMatchObject({
      code: 'LA_KEYRING_UNAVAILABLE',
      suggestion: expect.stringContaining('--storage file'),
    });
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
    const auto = localagent(['config', 'set-key', 'openai', '--stdin', '--storage', 'auto'], {
      dir,
      input: fakeKey(),
    });
    expect(auto.code).toBe(0);
    expect(auto.stdout).toContain('in the encrypted file');
    expect(auto.stderr.match(/keyring is not usable/g)).toHaveLength(1);
  });

  it('exits 3 without a master password and without a terminal', () => {
    const dir = tempConfigDir();
    const result = localagent(['config', 'set-key', 'openai', '--stdin'], {
      dir,
      input: fakeKey(),
      env: { LOCALAGENT_MASTER_PASSWORD: '' },
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('LOCALAGENT_MASTER_PASSWORD');
  });

  describe('live validation against a local provider', () => {
    jest.setTimeout(30_000);
    let server: Server;
    let url: string;
    let status = 503;
    beforeAll(async () => {
      server = createServer((_req, res) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(
          status === 200
            ? '{"data":[]}'
            : '{"error":{"message":"overloaded","type":"server_error"}}',
        );
      });
      await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
    });
    afterAll(() => new Promise<void>((done) => server.close(() => done())));

    it('exits 5 when the provider stays unavailable (after retries), stores nothing and records the breaker', async () => {
      const dir = tempConfigDir(
        // the local provider is a new host: config.yaml allows it, the variable alone cannot
        "  live_check:\n    allowed_hosts: ['127.0.0.1']\n",
      );
      status = 503;
      const result = await localagentAsync(
        ['config', 'set-key', 'openai', '--stdin', '--validate', 'live', '--json'],
        { dir, input: fakeKey(), env: { LOCALAGENT_OPENAI_BASE_URL: url } },
      );
      expect(result.code).toBe(5);
      expect(JSON.parse(result.stdout).error).toMatchObject({ category: 'transient' });
      expect(result.stderr).toMatch(/retrying/);
      // one logical call (three attempts) is one breaker failure, remembered for the next run
      const state = JSON.parse(readFileSync(join(dir, 'cache', 'breakers.json'), 'utf8')) as {
        providers: Record<string, { consecutiveFailures: number }>;
      };
      expect(state.providers['openai']?.consecutiveFailures).toBe(1);
      expect(localagent(['config', 'get-key', 'openai'], { dir }).code).toBe(4);
    });
  });
});

/** A real pseudo-terminal through util-linux `script`, answering each prompt when it appears. */
function onTerminal(
  command: string,
  options: RunOptions & { answers: Array<[string, string]> },
): Promise<Result> {
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      env: { ...childEnv(options), TERM: 'xterm' },
    });
    const answers = [...options.answers];
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      const next = answers[0];
      if (next !== undefined && stdout.includes(next[0])) {
        answers.shift();
        setTimeout(() => child.stdin.write(`${next[1]}\r`), 50);
      }
    });
    child.on('error', fail);
    child.on('close', (code) => done({ code, stdout, stderr: '' }));
  });
}

const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

(hasScript ? describe : describe.skip)('localagent (built bundle) on a terminal', () => {
  jest.setTimeout(30_000);

  it('reads the key and a new master password (twice) from masked prompts, never echoing them', async () => {
    const dir = tempConfigDir();
    const key = fakeKey();
    const result = await onTerminal(`${process.execPath} ${BUNDLE} config set-key openai`, {
      dir,
      env: { LOCALAGENT_MASTER_PASSWORD: '' },
      answers: [
        ['API key for openai', key],
        ['New master password', MASTER_PASSWORD],
        ['Repeat the master password', MASTER_PASSWORD],
      ],
    });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Stored the openai key');
    expect(result.stdout).not.toContain(key);
    expect(result.stdout).not.toContain(MASTER_PASSWORD);
    expect(localagent(['config', 'get-key', 'openai', '--json'], { dir }).stdout).toContain(
      key.slice(-4),
    );

    const reveal = await onTerminal(
      `${process.execPath} ${BUNDLE} config get-key openai --reveal`,
      { dir, answers: [] },
    );
    expect(reveal.stdout).toContain(key);
    // stderr is the terminal here: the warning comes in colour unless NO_COLOR is set
    expect(reveal.stdout).toMatch(/Warning:.*scrollback/);
  });
});

describe('localagent (built bundle): V8 code cache of the core', () => {
  const cacheFiles = (dir: string): string[] =>
    existsSync(join(dir, 'cache'))
      ? readdirSync(join(dir, 'cache')).filter((name) => name.endsWith('.v8cache'))
      : [];

  it("is written privately in the config dir's cache, survives corruption, and is ignored in a shared directory", () => {
    const dir = tempConfigDir();
    expect(localagent(['--version'], { dir }).code).toBe(0);
    expect(cacheFiles(dir)).toEqual([]); // --version never loads the core
    expect(localagent(['errors', 'explain', 'LA_TIMEOUT'], { dir }).code).toBe(0);
    const [name] = cacheFiles(dir);
    expect(name).toMatch(/^core-[0-9a-f]{16}-errors-explain\.v8cache$/);
    const file = join(dir, 'cache', name ?? '');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'cache')).mode & 0o777).toBe(0o700);

    writeFileSync(file, Buffer.from('not a V8 code cache'));
    const afterCorruption = localagent(['errors', 'explain', 'LA_TIMEOUT', '--json'], { dir });
    expect(afterCorruption.code).toBe(0);
    expect(JSON.parse(afterCorruption.stdout)).toMatchObject({ code: 'LA_TIMEOUT' });
    expect(readFileSync(file).toString()).not.toBe('not a V8 code cache');

    chmodSync(join(dir, 'cache'), 0o777);
    writeFileSync(file, Buffer.from('planted by someone else'));
    expect(localagent(['errors', 'explain', 'LA_TIMEOUT'], { dir }).code).toBe(0);
    expect(readFileSync(file).toString()).toBe('planted by someone else');
  });
});

// Under .ci/run the suite runs in a private D-Bus session with an unlocked gnome-keyring
// (scripts/with-keyring.sh sets LA_TEST_KEYRING): then the CLI stores in the real Secret Service.
const secretService =
  process.env['LA_TEST_KEYRING'] === 'secret-service' &&
  (process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '') !== '';

(secretService ? describe : describe.skip)(
  'localagent (built bundle) with a real Secret Service',
  () => {
    jest.setTimeout(30_000);

    it('stores, lists, reveals and deletes a key in the OS keyring, and never writes it to a file', () => {
      const dir = tempConfigDir();
      const bus = {
        DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'] ?? '',
        LOCALAGENT_STORAGE: 'keyring',
      };
      const provider = `la-cli-e2e-${Date.now().toString(36)}`;
      const key = fakeKey('custom-');
      const stored = localagent(['config', 'set-key', provider, '--stdin'], {
        dir,
        input: key,
        env: bus,
      });
      expect(stored.code).toBe(0);
      expect(stored.stdout).toContain('OS keyring');
      try {
        const list = localagent(['config', 'list-keys', '--json'], { dir, env: bus });
        expect(
          (JSON.parse(list.stdout) as { keys: Array<{ provider: string; source: string }> }).keys,
        ).toContainEqual(expect.objectContaining({ provider, source: 'keyring' }));
        expect(
          localagent(['config', 'get-key', provider, '--reveal'], { dir, env: bus }).stdout.trim(),
        ).toBe(key);
        transcript.pop();
        transcript.pop();
        expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
        for (const file of files(dir))
          expect(readFileSync(file).includes(Buffer.from(key))).toBe(false);
      } finally {
        expect(
          localagent(['config', 'delete-key', provider, '--yes'], { dir, env: bus }).code,
        ).toBe(0);
      }
      expect(localagent(['config', 'get-key', provider], { dir, env: bus }).code).toBe(4);
    });
  },
);
