/**
 * End to end: `localagent unlock` / `localagent lock` of the BUILT bundle (`pnpm --filter
 * @localagent/cli build` first), as real child processes; the unlock agent they start outlives them.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fakeKey, MASTER_PASSWORD, tempConfigDir } from './harness';

const BUNDLE = resolve(__dirname, '..', 'dist', 'localagent.js');

interface Result {
  code: number | null;
  stdout: string;
  stderr: string;
}

const dir = tempConfigDir();
const runtime = mkdtempSync(join(tmpdir(), 'la-run-'));
chmodSync(runtime, 0o700);

/** Runs the CLI; the master password is in the environment only when `password` is true. */
function localagent(args: string[], options: { password: boolean; input?: string }): Result {
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    input: options.input ?? '',
    encoding: 'utf8',
    env: {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      XDG_RUNTIME_DIR: runtime,
      LOCALAGENT_CONFIG_DIR: dir,
      LOCALAGENT_STORAGE: 'file',
      NO_COLOR: '1',
      ...(options.password ? { LOCALAGENT_MASTER_PASSWORD: MASTER_PASSWORD } : {}),
    },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run \`pnpm --filter @localagent/cli build\` first`);
});

afterAll(() => {
  localagent(['lock'], { password: false });
  rmSync(runtime, { recursive: true, force: true });
  rmSync(dir, { recursive: true, force: true });
});

describe('localagent unlock / lock (built bundle)', () => {
  const key = fakeKey();

  it('lists both commands in the help', () => {
    const help = localagent(['--help'], { password: false });
    expect(help.stdout).toMatch(/\bunlock\b/);
    expect(help.stdout).toMatch(/\block\b/);
    expect(localagent(['unlock', '--help'], { password: false }).stdout).toContain('--ttl');
  });

  it('refuses a bad --ttl before asking for anything (exit 3, with the form to use)', () => {
    for (const ttl of ['8x', '0s', '30d']) {
      const result = localagent(['unlock', '--ttl', ttl], { password: false });
      expect(result.code).toBe(3);
      expect(result.stderr).toContain('8h');
    }
  });

  it('unlocks once with the password; then commands read keys without it, until `lock`', () => {
    expect(
      localagent(['config', 'set-key', 'openai', '--stdin'], { password: true, input: key }).code,
    ).toBe(0);
    // without the password and without a terminal, the key file stays shut
    expect(localagent(['config', 'get-key', 'openai', '--reveal'], { password: false }).code).toBe(
      3,
    );

    const unlocked = localagent(['unlock', '--ttl', '30m', '--json'], { password: true });
    expect(unlocked.stderr).toBe('');
    expect(unlocked.code).toBe(0);
    const document = JSON.parse(unlocked.stdout) as Record<string, unknown>;
    expect(document).toMatchObject({ unlocked: true, ttlMs: 1_800_000 });
    const expiresAt = Date.parse(String(document['expiresAt']));
    expect(Math.abs(expiresAt - (Date.now() + 1_800_000))).toBeLessThan(60_000);
    expect(existsSync(String(document['socketPath']))).toBe(true);
    expect(String(document['socketPath']).startsWith(runtime)).toBe(true);

    // the agent outlived `unlock`: a later run with no password reads the key
    const revealed = localagent(['config', 'get-key', 'openai', '--reveal'], { password: false });
    expect(revealed.code).toBe(0);
    expect(revealed.stdout.trim()).toBe(key);
    // doctor says an agent runs, and until when
    const doctor = localagent(['doctor', '--json'], { password: false });
    const checks = (
      JSON.parse(doctor.stdout) as { checks: Array<{ name: string; detail: string }> }
    ).checks;
    expect(checks.find((c) => c.name === 'unlock agent')?.detail).toMatch(/^running until /);

    const locked = localagent(['lock'], { password: false });
    expect(locked.code).toBe(0);
    expect(locked.stdout).toContain('Locked');
    expect(existsSync(String(document['socketPath']))).toBe(false);
    expect(localagent(['config', 'get-key', 'openai', '--reveal'], { password: false }).code).toBe(
      3,
    );

    const again = localagent(['lock', '--json'], { password: false });
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout)).toEqual({ locked: true, wasRunning: false });
  });

  it('prints when it expires, and forgets the key at the TTL', async () => {
    const unlocked = localagent(['unlock', '--ttl', '2s'], { password: true });
    expect(unlocked.code).toBe(0);
    expect(unlocked.stdout).toMatch(/^Unlocked until \d{4}-\d\d-\d\d \d\d:\d\d \(2s from now\)\./);
    expect(localagent(['config', 'get-key', 'openai'], { password: false }).code).toBe(0);
    await sleep(2500);
    expect(localagent(['config', 'get-key', 'openai'], { password: false }).code).toBe(3);
  });

  it('refuses a wrong master password and starts no agent (exit 3)', () => {
    const result = spawnSync(process.execPath, [BUNDLE, 'unlock', '--json'], {
      encoding: 'utf8',
      env: {
        PATH: process.env['PATH'] ?? '',
        XDG_RUNTIME_DIR: runtime,
        LOCALAGENT_CONFIG_DIR: dir,
        LOCALAGENT_STORAGE: 'file',
        LOCALAGENT_MASTER_PASSWORD: `${MASTER_PASSWORD}-wrong`,
      },
    });
    expect(result.status).toBe(3);
    expect(localagent(['lock', '--json'], { password: false }).stdout).toContain(
      '"wasRunning": false',
    );
  });
});
