import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, readdirSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run, errorDocument, usageFromCommander } from './run';
import { saveBreakerState as saveRegistry } from './services/breaker-state';
import { CommanderError } from 'commander';
import {
  baseEnv,
  fakeKey,
  memoryIo,
  tempConfigDir,
  MASTER_PASSWORD,
  type MemoryIoOptions,
} from '../test/harness';

async function cli(argv: string[], options: MemoryIoOptions = {}) {
  const memory = memoryIo(options);
  const code = await run(argv, memory.io);
  return {
    code,
    stdout: memory.stdout(),
    stderr: memory.stderr(),
    promptsAsked: memory.promptsAsked,
  };
}

function allFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? allFiles(path) : [path];
  });
}

describe('run: parsing and usage errors', () => {
  it('prints the version and help with exit 0', async () => {
    const version = await cli(['--version']);
    expect(version.code).toBe(0);
    expect(version.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = await cli(['config', 'set-key', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--stdin');
    expect(help.stdout).toContain('--validate');
  });

  it('exits 2 on an unknown command, option or missing argument, with the JSON error document under --json', async () => {
    expect((await cli(['bogus'])).code).toBe(2);
    expect((await cli([])).code).toBe(2);
    expect((await cli(['config', 'get-key'])).code).toBe(2);
    const unknown = await cli(['config', 'list-keys', '--bogus', '--json']);
    expect(unknown.code).toBe(2);
    expect(JSON.parse(unknown.stdout)).toEqual({
      error: {
        code: 'LA_CLI_USAGE',
        category: 'user',
        message: expect.stringContaining('--bogus'),
        suggestion: expect.any(String),
      },
    });
    expect(unknown.stderr).toContain('LA_CLI_USAGE');
  });

  it('exits 2 for bad option values and provider names', async () => {
    const dir = tempConfigDir();
    expect(
      (
        await cli(['config', 'set-key', 'openai', '--stdin', '--validate', 'maybe'], {
          stdin: 'x',
          env: baseEnv(dir),
        })
      ).code,
    ).toBe(2);
    const bad = await cli(['config', 'get-key', 'Not A Provider'], { env: baseEnv(dir) });
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('Invalid provider name');
    const tail = await cli(['audit', 'show', '--tail', 'ten'], { env: baseEnv(dir) });
    expect(tail.code).toBe(2);
  });

  it('maps commander errors to usage errors and unknown throwables to an internal error document', () => {
    expect(
      usageFromCommander(
        new CommanderError(1, 'commander.unknownCommand', "error: unknown command 'x'"),
      ).message,
    ).toBe("Unknown command 'x'");
    expect(
      usageFromCommander(new CommanderError(1, 'commander.help', '(outputHelp)')).message,
    ).toBe('A command is required.');
    expect(errorDocument(new Error('boom'))).toEqual({
      code: 'LA_INTERNAL',
      category: 'system',
      message: 'boom',
      suggestion: expect.any(String),
    });
    expect(errorDocument('text')).toMatchObject({ code: 'LA_INTERNAL', message: 'text' });
  });
});

describe('run: keys never travel in argv', () => {
  it('refuses a key given as an argument, explains why and stores nothing', async () => {
    const dir = tempConfigDir();
    const key = fakeKey();
    for (const command of ['set-key', 'rotate-key']) {
      const result = await cli(['config', command, 'openai', key], { env: baseEnv(dir) });
      expect(result.code).toBe(2);
      expect(result.stderr).toContain('LA_KEY_IN_ARGV');
      expect(result.stderr).toMatch(/shell history/);
      expect(result.stderr + result.stdout).not.toContain(key);
    }
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
  });

  it('without a terminal and without --stdin, says to use --stdin', async () => {
    const dir = tempConfigDir();
    const result = await cli(['config', 'set-key', 'openai'], { env: baseEnv(dir) });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--stdin');
  });
});

describe('run: a full key session in one config dir', () => {
  const dir = tempConfigDir();
  const env = baseEnv(dir);
  const first = fakeKey();
  const second = fakeKey();
  const anthropic = fakeKey(['sk', 'ant', 'api03', ''].join('-'));
  const outputs: string[] = [];
  const keep = <T extends { stdout: string; stderr: string }>(result: T): T => {
    outputs.push(result.stdout, result.stderr);
    return result;
  };

  it('stores a key from stdin (one trailing newline stripped)', async () => {
    const result = keep(
      await cli(['config', 'set-key', 'openai', '--stdin'], { stdin: `${first}\n`, env }),
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Stored the openai key');
    expect(result.stdout).toContain(first.slice(-4));
    expect(statSync(join(dir, 'keys.enc')).mode & 0o777).toBe(0o600);
  });

  it('stores a key from the masked prompt on a terminal, with --json', async () => {
    const result = keep(
      await cli(['--json', 'config', 'set-key', 'anthropic'], {
        stdinIsTTY: true,
        prompts: [anthropic],
        env,
      }),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toEqual({
      provider: 'anthropic',
      stored: true,
      source: 'file',
      location: `the encrypted file ${join(dir, 'keys.enc')}`,
      removedFrom: [],
      fingerprint: expect.stringMatching(/…/),
      validate: 'format',
    });
  });

  it('refuses a malformed key with exit 3 and never echoes it', async () => {
    const bad = `not-a-key-${'x'.repeat(30)}`;
    const result = keep(await cli(['config', 'set-key', 'openai', '--stdin'], { stdin: bad, env }));
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('LA_KEY_INVALID');
    expect(result.stderr).not.toContain(bad);
  });

  it('lists keys (global options after the command too)', async () => {
    const human = keep(await cli(['config', 'list-keys'], { env }));
    expect(human.code).toBe(0);
    expect(human.stdout).toMatch(/PROVIDER\s+SOURCE\s+FINGERPRINT/);
    expect(human.stdout).toContain('anthropic');
    const json = keep(await cli(['config', 'list-keys', '--json'], { env }));
    const doc = JSON.parse(json.stdout) as { keys: Array<Record<string, unknown>> };
    expect(doc.keys.map((k) => k.provider).sort()).toEqual(['anthropic', 'openai']);
    expect(doc.keys[0]).toEqual({
      provider: expect.any(String),
      source: 'file',
      fingerprint: expect.any(String),
      active: true,
      updatedAt: expect.any(String),
    });
  });

  it('shows a fingerprint, and the key only with --reveal (warning on a terminal)', async () => {
    const plain = keep(await cli(['config', 'get-key', 'openai'], { env }));
    expect(plain.code).toBe(0);
    expect(plain.stdout).toContain('encrypted key file');
    expect(plain.stdout).not.toContain(first);
    const json = keep(await cli(['config', 'get-key', 'openai', '--json'], { env }));
    expect(JSON.parse(json.stdout)).toEqual({
      provider: 'openai',
      source: 'file',
      fingerprint: expect.stringContaining(first.slice(-4)),
    });
    const revealed = await cli(['config', 'get-key', 'openai', '--reveal'], {
      env,
      stdoutIsTTY: true,
    });
    expect(revealed.code).toBe(0);
    expect(revealed.stdout.trim()).toBe(first);
    expect(revealed.stderr).toMatch(/Warning: .*terminal/);
    const piped = await cli(['config', 'get-key', 'openai', '--reveal', '--json'], { env });
    expect(JSON.parse(piped.stdout)).toMatchObject({ key: first });
    expect(piped.stderr).toBe('');
  });

  it('reports an environment override in list-keys, get-key and set-key', async () => {
    const override = fakeKey();
    const envWithOverride = { ...env, OPENAI_API_KEY: override };
    const list = keep(await cli(['config', 'list-keys', '--json'], { env: envWithOverride }));
    const keys = (JSON.parse(list.stdout) as { keys: Array<{ provider: string; source: string }> })
      .keys;
    expect(
      keys
        .filter((k) => k.provider === 'openai')
        .map((k) => k.source)
        .sort(),
    ).toEqual(['env', 'file']);
    const human = keep(await cli(['config', 'list-keys'], { env: envWithOverride }));
    expect(human.stdout).toContain('no (shadowed)');
    const get = keep(await cli(['config', 'get-key', 'openai'], { env: envWithOverride }));
    expect(get.stdout).toContain('environment variable');
    const set = keep(
      await cli(['config', 'set-key', 'openai', '--stdin'], { stdin: first, env: envWithOverride }),
    );
    expect(set.code).toBe(0);
    // one warning per condition: the key store's (the CLI no longer repeats it)
    expect(
      set.stderr.split('OPENAI_API_KEY is set and overrides the stored OpenAI key').length,
    ).toBe(2);
    expect(list.stdout + get.stdout + set.stdout).not.toContain(override);
  });

  it('rotates a key', async () => {
    const result = keep(
      await cli(['config', 'rotate-key', 'openai', '--stdin', '--json'], { stdin: second, env }),
    );
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({
      provider: 'openai',
      rotated: true,
      previousFingerprint: expect.stringContaining(first.slice(-4)),
      fingerprint: expect.stringContaining(second.slice(-4)),
    });
    const missing = keep(
      await cli(['config', 'rotate-key', 'mistral', '--stdin', '--validate', 'none'], {
        stdin: fakeKey(''),
        env,
      }),
    );
    expect(missing.code).toBe(4);
  });

  it('exits 3 on a wrong master password and 4 for a key that is not there', async () => {
    const wrong = keep(
      await cli(['config', 'get-key', 'openai'], {
        env: { ...env, LOCALAGENT_MASTER_PASSWORD: 'not-the-password' },
      }),
    );
    expect(wrong.code).toBe(3);
    expect(wrong.stderr).toContain('LA_DECRYPTION_FAILED');
    const absent = keep(await cli(['config', 'get-key', 'groq', '--json'], { env }));
    expect(absent.code).toBe(4);
    expect(JSON.parse(absent.stdout).error.code).toBe('LA_KEY_NOT_FOUND');
  });

  it('asks before deleting, needs --yes without a terminal, and exits 4 when nothing is left', async () => {
    expect(keep(await cli(['config', 'delete-key', 'anthropic'], { env })).code).toBe(2);
    const declined = keep(
      await cli(['config', 'delete-key', 'anthropic'], { env, stdinIsTTY: true, confirm: false }),
    );
    expect(declined.stdout).toContain('Nothing deleted');
    const accepted = keep(
      await cli(['config', 'delete-key', 'anthropic'], { env, stdinIsTTY: true, confirm: true }),
    );
    expect(accepted.stdout).toContain('Deleted the anthropic key');
    expect(keep(await cli(['config', 'delete-key', 'anthropic', '--yes'], { env })).code).toBe(4);
  });

  it('verifies and shows the audit log, and catches tampering (exit 6)', async () => {
    const verify = keep(await cli(['audit', 'verify'], { env }));
    expect(verify.code).toBe(0);
    expect(verify.stdout).toMatch(/Audit log intact: \d+ entries/);
    const show = keep(await cli(['audit', 'show', '--tail', '2', '--json'], { env }));
    const doc = JSON.parse(show.stdout) as { entries: unknown[]; total: number };
    expect(doc.entries).toHaveLength(2);
    expect(doc.total).toBeGreaterThan(2);
    const human = keep(await cli(['audit', 'show'], { env }));
    expect(human.stdout).toMatch(/TIME\s+ACTION\s+PROVIDER/);
    expect(human.stdout).toContain('store');

    const log = join(dir, 'audit.log');
    const lines = readFileSync(log, 'utf8').split('\n');
    lines[1] = (lines[1] ?? '').replace('"success"', '"failure"');
    writeFileSync(log, lines.join('\n'));
    const tampered = keep(await cli(['audit', 'verify', '--json'], { env }));
    expect(tampered.code).toBe(6);
    expect(JSON.parse(tampered.stdout).error.code).toBe('LA_AUDIT_TAMPERED');
    expect(tampered.stderr).toContain('line 2');
  });

  it('runs doctor', async () => {
    const result = keep(await cli(['doctor', '--json'], { env }));
    expect(result.code).toBe(0);
    const doc = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string }>;
    };
    expect(doc.checks.find((c) => c.name === 'audit log')?.status).toBe('fail');
    expect(doc.checks.find((c) => c.name === 'key file')?.status).toBe('ok');
    const human = keep(await cli(['doctor'], { env: { ...env, ANTHROPIC_API_KEY: 'x' } }));
    expect(human.stdout).toContain('[FAIL] audit log');
    expect(human.stdout).toContain('ANTHROPIC_API_KEY');
  });

  it('never printed a key, and no file under the config dir holds one', () => {
    const text = outputs.join('\n');
    for (const key of [first, second, anthropic]) {
      expect(text).not.toContain(key);
      for (const file of allFiles(dir))
        expect(readFileSync(file).includes(Buffer.from(key))).toBe(false);
    }
  });
});

describe('run: master password prompts', () => {
  it('asks twice when creating the key file, and refuses two different answers', async () => {
    const dir = tempConfigDir();
    const env = baseEnv(dir, { LOCALAGENT_MASTER_PASSWORD: undefined });
    const mismatch = await cli(['config', 'set-key', 'openai'], {
      env,
      stdinIsTTY: true,
      prompts: [
        fakeKey(),
        'one-password-1',
        'another-one-1',
        'one-password-2',
        'another-one-2',
        'one-password-3',
        'another-one-3',
      ],
    });
    expect(mismatch.code).toBe(3);
    expect(mismatch.stderr).toContain('differed 3 times');
    const ok = await cli(['config', 'set-key', 'openai'], {
      env,
      stdinIsTTY: true,
      prompts: [fakeKey(), MASTER_PASSWORD, MASTER_PASSWORD],
    });
    expect(ok.code).toBe(0);
    expect(ok.promptsAsked).toEqual([
      'API key for openai:',
      'New master password for the key file:',
      'Repeat the master password:',
    ]);
    const again = await cli(['config', 'list-keys'], {
      env,
      stdinIsTTY: true,
      prompts: [MASTER_PASSWORD],
    });
    expect(again.code).toBe(0);
    expect(again.promptsAsked).toEqual(['Master password:']);
  });

  it('without a password and without a terminal, fails with exit 3 and says how to set it', async () => {
    const dir = tempConfigDir();
    const result = await cli(['config', 'set-key', 'openai', '--stdin'], {
      stdin: fakeKey(),
      env: baseEnv(dir, { LOCALAGENT_MASTER_PASSWORD: '' }),
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('LOCALAGENT_MASTER_PASSWORD');
  });
});

describe('run: config validate', () => {
  it('accepts a valid file and a missing one', async () => {
    const dir = tempConfigDir('logging:\n  level: info\n');
    expect((await cli(['config', 'validate'], { env: baseEnv(dir) })).stdout).toContain('is valid');
    const empty = tempConfigDir();
    const missing = await cli(
      ['config', 'validate', '--json', '--config-dir', join(empty, 'nowhere')],
      { env: {} },
    );
    expect(JSON.parse(missing.stdout)).toMatchObject({ exists: false, valid: true });
  });

  it('reports every problem with exit 3', async () => {
    const dir = tempConfigDir('logging:\n  level: loud\n');
    writeFileSync(
      join(dir, 'config.yaml'),
      'logging:\n  level: loud\nsecurity:\n  encryption:\n    iterations: 10\n',
    );
    const result = await cli(['config', 'validate', '--json'], { env: baseEnv(dir) });
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).error.code).toBe('LA_CONFIG_INVALID');
    expect(result.stderr).toContain('logging.level');
    expect(result.stderr).toMatch(/iterations/);
    const doctor = await cli(['doctor', '--json'], { env: baseEnv(dir) });
    expect(JSON.parse(doctor.stdout)).toMatchObject({ ok: false });
  });

  it('reports YAML syntax errors', async () => {
    const dir = tempConfigDir();
    writeFileSync(join(dir, 'config.yaml'), 'logging: [unclosed\n');
    const result = await cli(['config', 'validate'], { env: baseEnv(dir) });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('YAML');
  });
});

describe('run: errors explain', () => {
  it('prints a catalog entry with its exit code, case-insensitively', async () => {
    const result = await cli(['errors', 'explain', 'la_key_not_found']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('LA_KEY_NOT_FOUND');
    expect(result.stdout).toContain('exits with 4');
    const json = await cli(['errors', 'explain', 'LA_RATE_LIMITED', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      code: 'LA_RATE_LIMITED',
      category: 'transient',
      exitCode: 5,
    });
  });

  it('exits 4 for an unknown code', async () => {
    const result = await cli(['errors', 'explain', 'LA_NO_SUCH_THING']);
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('LA_ERROR_CODE_UNKNOWN');
  });

  it('prints the stack only with --debug or LOCALAGENT_DEBUG=1', async () => {
    expect((await cli(['errors', 'explain', 'NOPE'])).stderr).not.toMatch(/\n\s+at /);
    expect((await cli(['errors', 'explain', 'NOPE', '--debug'])).stderr).toMatch(/\n\s+at /);
    expect(
      (await cli(['errors', 'explain', 'NOPE'], { env: { LOCALAGENT_DEBUG: '1' } })).stderr,
    ).toMatch(/\n\s+at /);
  });
});

/** The local stand-ins are new hosts: config.yaml must allow them (an environment variable alone cannot). */
const ALLOW_LOOPBACK = "  live_check:\n    allowed_hosts: ['127.0.0.1']\n";

describe('run: live validation through the resilience registry', () => {
  let server: Server;
  let baseUrl: string;
  let status = 200;
  const seen: string[] = [];
  beforeAll(async () => {
    server = createServer((req, res) => {
      seen.push(`${req.method} ${req.url}`);
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(
        status === 200
          ? '{"data":[]}'
          : JSON.stringify({
              error: {
                message: 'Incorrect API key provided',
                type: 'invalid_request_error',
                code: 'invalid_api_key',
              },
            }),
      );
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('stores a key the provider accepts, refuses one it rejects (exit 3), and saves breaker state', async () => {
    const dir = tempConfigDir(ALLOW_LOOPBACK);
    const env = baseEnv(dir, { LOCALAGENT_OPENAI_BASE_URL: baseUrl });
    status = 200;
    const ok = await cli(['config', 'set-key', 'openai', '--stdin', '--validate', 'live'], {
      stdin: fakeKey(),
      env,
    });
    expect(ok.code).toBe(0);
    expect(ok.stderr).toContain('Checking the key with openai');
    const rotated = await cli(['config', 'rotate-key', 'openai', '--stdin', '--validate', 'live'], {
      stdin: fakeKey(),
      env,
    });
    expect(rotated.code).toBe(0);
    expect(rotated.stderr).toContain('Checking the new key with openai');
    expect(seen).toContain('GET /v1/models');
    status = 401;
    const rejected = await cli(['config', 'set-key', 'openai', '--stdin', '--validate', 'live'], {
      stdin: fakeKey(),
      env,
    });
    expect(rejected.code).toBe(3);
    expect(rejected.stderr).toContain('LA_AUTH_FAILED');
    expect(existsSync(join(dir, 'cache', 'breakers.json'))).toBe(true);
  });

  it('keeps a circuit opened by an earlier run open: the next run fails fast (exit 5) without calling the provider', async () => {
    const dir = tempConfigDir(ALLOW_LOOPBACK);
    const env = baseEnv(dir, { LOCALAGENT_OPENAI_BASE_URL: baseUrl });
    const now = Date.now();
    saveRegistry(join(dir, 'cache', 'breakers.json'), {
      toJSON: () => ({
        version: 1,
        savedAt: now,
        providers: { openai: { state: 'open', consecutiveFailures: 5, openedAt: now } },
      }),
    });
    const before = seen.length;
    status = 200;
    const result = await cli(
      ['config', 'set-key', 'openai', '--stdin', '--validate', 'live', '--json'],
      { stdin: fakeKey(), env },
    );
    expect(result.code).toBe(5);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: 'LA_CIRCUIT_OPEN',
      category: 'transient',
    });
    expect(seen.length).toBe(before);
    const state = JSON.parse(readFileSync(join(dir, 'cache', 'breakers.json'), 'utf8')) as {
      providers: Record<string, { state: string }>;
    };
    expect(state.providers['openai']?.state).toBe('open');
    expect((await cli(['config', 'get-key', 'openai'], { env })).code).toBe(4);
  });

  it('refuses a base URL that only LOCALAGENT_<PROVIDER>_BASE_URL names (exit 3), sending nothing', async () => {
    const dir = tempConfigDir();
    const before = seen.length;
    const result = await cli(
      ['config', 'set-key', 'openai', '--stdin', '--validate', 'live', '--json'],
      { stdin: fakeKey(), env: baseEnv(dir, { LOCALAGENT_OPENAI_BASE_URL: baseUrl }) },
    );
    expect(result.code).toBe(3);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: 'LA_LIVE_CHECK_BLOCKED',
      suggestion: expect.stringContaining('security.live_check.allowed_hosts'),
    });
    expect(seen.length).toBe(before);
  });
});

describe('run: a provider echoing the key it rejects (issue 15, finding 6)', () => {
  it('prints no part of a custom-format key its 401 body repeats, in text or --json output', async () => {
    const key = `mlk${randomBytes(16).toString('hex')}`;
    const echo = createServer((_req, res) => {
      res
        .writeHead(401, { 'content-type': 'application/json' })
        .end(JSON.stringify({ error: { message: `${key} is not valid here`, type: 'auth' } }));
    });
    await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve));
    try {
      const origin = `http://127.0.0.1:${(echo.address() as AddressInfo).port}`;
      const dir = tempConfigDir(`  providers:\n    my-llm: { base_url: '${origin}/v1' }\n`);
      for (const json of [[], ['--json']]) {
        const result = await cli(
          ['config', 'set-key', 'my-llm', '--stdin', '--validate', 'live', ...json],
          { stdin: key, env: baseEnv(dir, { LOCALAGENT_DEBUG: '1' }) },
        );
        expect(result.code).toBe(3);
        expect(result.stderr).toContain('is not valid here');
        expect(result.stdout + result.stderr).not.toContain(key);
        expect(result.stdout + result.stderr).not.toContain(key.slice(3, 20));
      }
    } finally {
      await new Promise<void>((resolve) => echo.close(() => resolve()));
    }
  });
});

describe('run: options, empty states and logging', () => {
  it('rotate-key --storage moves the key: to a keyring that is not there, it fails and keeps the old key', async () => {
    const dir = tempConfigDir();
    const env = baseEnv(dir, { DBUS_SESSION_BUS_ADDRESS: undefined });
    const old = fakeKey();
    expect((await cli(['config', 'set-key', 'openai', '--stdin'], { env, stdin: old })).code).toBe(
      0,
    );
    const moved = await cli(
      ['--json', 'config', 'rotate-key', 'openai', '--stdin', '--storage', 'keyring'],
      { env, stdin: fakeKey() },
    );
    expect(JSON.parse(moved.stdout)).toMatchObject({ error: { code: 'LA_KEYRING_UNAVAILABLE' } });
    const kept = await cli(['config', 'get-key', 'openai', '--reveal'], { env });
    expect(kept.stdout.trim()).toBe(old);
    const stays = await cli(
      ['--json', 'config', 'rotate-key', 'openai', '--stdin', '--storage', 'file'],
      { env, stdin: fakeKey() },
    );
    expect(JSON.parse(stays.stdout)).toMatchObject({ rotated: true, source: 'file' });
  });

  it('list-keys names a key store it cannot read, with one warning and `unavailable` in --json', async () => {
    const dir = tempConfigDir();
    // storage keyring, and no D-Bus session: the only store cannot be read, so "no keys" is unknown
    const env = baseEnv(dir, {
      LOCALAGENT_STORAGE: 'keyring',
      DBUS_SESSION_BUS_ADDRESS: undefined,
    });
    const json = await cli(['--json', 'config', 'list-keys'], { env });
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as {
      keys: unknown[];
      unavailable: Array<{ store: string; reason: string }>;
    };
    expect(parsed.keys).toEqual([]);
    expect(parsed.unavailable).toEqual([{ store: 'keyring', reason: expect.any(String) }]);
    const human = await cli(['config', 'list-keys'], { env });
    expect(human.stderr.match(/Some keys could not be listed: the OS keyring/g)).toHaveLength(1);
  });

  it('honours --storage, --log-level, --log-format and --quiet', async () => {
    const dir = tempConfigDir();
    const result = await cli(
      [
        'config',
        'set-key',
        'groq',
        '--stdin',
        '--storage',
        'file',
        '--validate',
        'none',
        '--log-level',
        'debug',
        '--log-format',
        'json',
      ],
      {
        stdin: fakeKey('gsk_'),
        env: baseEnv(dir),
      },
    );
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Stored the groq key');
    const lines = result.stderr.split('\n').filter((line) => line.startsWith('{'));
    expect(lines.length).toBeGreaterThan(0);
    expect(JSON.parse(lines[0] ?? '{}')).toMatchObject({ level: expect.any(String) });
  });

  it('--quiet keeps stderr free of warnings', async () => {
    const dir = tempConfigDir();
    const env = baseEnv(dir, { OPENAI_API_KEY: fakeKey() });
    const loud = await cli(['config', 'set-key', 'openai', '--stdin'], { stdin: fakeKey(), env });
    expect(loud.stderr).toContain('overrides the stored OpenAI key');
    const quiet = await cli(['config', 'set-key', 'openai', '--stdin', '--quiet'], {
      stdin: fakeKey(),
      env,
    });
    expect(quiet.code).toBe(0);
    expect(quiet.stderr).toBe('');
    expect(quiet.stdout).toContain('Stored the openai key');
  });

  it('uses the configured log level from config.yaml, and debug with --debug', async () => {
    const dir = tempConfigDir('logging:\n  level: debug\n  format: json\n');
    const configured = await cli(['config', 'list-keys'], { env: baseEnv(dir) });
    expect(configured.code).toBe(0);
    expect(configured.stdout).toContain('No keys stored');
    const debug = await cli(['config', 'list-keys', '--debug', '--json'], {
      env: baseEnv(tempConfigDir()),
    });
    expect(JSON.parse(debug.stdout)).toEqual({ keys: [], unavailable: [] });
  });

  it('handles an empty audit log and an absent one', async () => {
    const dir = tempConfigDir();
    const verify = await cli(['audit', 'verify', '--json'], { env: baseEnv(dir) });
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, entries: 0 });
    const show = await cli(['audit', 'show'], { env: baseEnv(dir) });
    expect(show.stdout).toContain('No audit entries');
    writeFileSync(join(dir, 'audit.log'), 'not json\n');
    const garbage = await cli(['audit', 'show'], { env: baseEnv(dir) });
    expect(garbage.stdout).toContain('(unparsable line)');
  });

  it('runs doctor before anything exists, and with an open circuit on record', async () => {
    const dir = join(tempConfigDir(), 'fresh');
    const result = await cli(['doctor'], { env: baseEnv(dir) });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('does not exist yet');
    const withState = tempConfigDir();
    saveRegistry(join(withState, 'cache', 'breakers.json'), {
      toJSON: () => ({ version: 1, savedAt: Date.now(), providers: { openai: { state: 'open' } } }),
    });
    const open = await cli(['doctor', '--json'], { env: baseEnv(withState) });
    const doc = JSON.parse(open.stdout) as {
      checks: Array<{ name: string; status: string; detail: string }>;
    };
    expect(doc.checks.find((c) => c.name === 'circuit breakers')).toMatchObject({
      status: 'warn',
      detail: expect.stringContaining('openai'),
    });
  });

  it('reports a key store it cannot open (keyring-only storage without a keyring)', async () => {
    const dir = tempConfigDir();
    const result = await cli(['doctor', '--json'], {
      env: baseEnv(dir, { LOCALAGENT_STORAGE: 'bogus' }),
    });
    const doc = JSON.parse(result.stdout) as {
      ok: boolean;
      checks: Array<{ name: string; status: string }>;
    };
    expect(doc.ok).toBe(false);
    expect(doc.checks.find((c) => c.name === 'key store')?.status).toBe('fail');
  });
});
