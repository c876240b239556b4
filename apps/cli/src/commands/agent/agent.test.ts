import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { baseEnv, fakeKey, memoryIo, tempConfigDir } from '../../../test/harness';
import { run } from '../../run';
import { localTime } from './unlock';

describe('localTime', () => {
  it('shows the local date and minute', () => {
    expect(localTime(new Date(2026, 4, 4, 7, 5, 59))).toBe('2026-05-04 07:05');
  });
});

describe('localagent unlock / lock (in process)', () => {
  const dir = tempConfigDir();
  const runtime = mkdtempSync(join(tmpdir(), 'la-run-'));
  chmodSync(runtime, 0o700);
  const env = baseEnv(dir, { XDG_RUNTIME_DIR: runtime });

  afterAll(async () => {
    await run(['lock'], memoryIo({ env }).io);
    rmSync(runtime, { recursive: true, force: true });
    rmSync(dir, { recursive: true, force: true });
  });

  it('unlocks for the TTL, says when it ends, and `lock` says whether an agent was running', async () => {
    const key = fakeKey();
    expect(
      await run(['config', 'set-key', 'openai', '--stdin'], memoryIo({ env, stdin: key }).io),
    ).toBe(0);

    const text = memoryIo({ env });
    expect(await run(['unlock', '--ttl', '1h30m'], text.io)).toBe(0);
    expect(text.stdout()).toMatch(/^Unlocked until \d{4}-\d\d-\d\d \d\d:\d\d \(1h30m from now\)\./);

    const json = memoryIo({ env });
    expect(await run(['unlock', '--json'], json.io)).toBe(0);
    expect(JSON.parse(json.stdout())).toMatchObject({ unlocked: true, ttlMs: 8 * 3_600_000 });

    // another run without the master password reads the key from the agent
    const withoutPassword = { ...env, LOCALAGENT_MASTER_PASSWORD: undefined };
    const revealed = memoryIo({ env: withoutPassword });
    expect(await run(['config', 'get-key', 'openai', '--reveal'], revealed.io)).toBe(0);
    expect(revealed.stdout().trim()).toBe(key);

    const locked = memoryIo({ env: withoutPassword });
    expect(await run(['lock'], locked.io)).toBe(0);
    expect(locked.stdout()).toBe('Locked: the unlock agent wiped the key and exited.\n');
    const again = memoryIo({ env: withoutPassword });
    expect(await run(['lock', '--json'], again.io)).toBe(0);
    expect(JSON.parse(again.stdout())).toEqual({ locked: true, wasRunning: false });
  });

  it('refuses a bad --ttl with exit 3 and the form to use', async () => {
    const io = memoryIo({ env });
    expect(await run(['unlock', '--ttl', 'forever'], io.io)).toBe(3);
    expect(io.stderr()).toContain('90s, 30m, 8h, 1d');
  });
});
