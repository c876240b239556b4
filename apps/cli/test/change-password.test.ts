/**
 * `localagent config change-password` in-process (run() with memory streams): where the current and
 * new passwords come from, what is refused, and that only the new password opens the file afterwards.
 * The real terminal is in master-password-tty.e2e.test.ts.
 */
import { run } from '../src/run';
import {
  baseEnv,
  fakeKey,
  memoryIo,
  tempConfigDir,
  MASTER_PASSWORD,
  type MemoryIoOptions,
} from './harness';

const NEW_PASSWORD = 'correct horse battery staple';

async function cli(argv: string[], options: MemoryIoOptions = {}) {
  const memory = memoryIo(options);
  const code = await run(argv, memory.io);
  return { code, stdout: memory.stdout(), stderr: memory.stderr(), asked: memory.promptsAsked };
}

/** A config dir whose key file holds an OpenAI key, encrypted with MASTER_PASSWORD. */
async function withKeyFile(): Promise<string> {
  const dir = tempConfigDir();
  const stored = await cli(['config', 'set-key', 'openai', '--stdin'], {
    stdin: fakeKey(),
    env: baseEnv(dir),
  });
  expect(stored.code).toBe(0);
  return dir;
}

/** Whether `password` opens the key file (list-keys decrypts it). */
async function opens(dir: string, password: string): Promise<boolean> {
  const result = await cli(['config', 'list-keys'], {
    env: baseEnv(dir, { LOCALAGENT_MASTER_PASSWORD: password }),
  });
  return result.code === 0;
}

describe('config change-password', () => {
  it('asks the current password, then the new one twice, and re-encrypts the file', async () => {
    const dir = await withKeyFile();
    const result = await cli(['config', 'change-password'], {
      env: baseEnv(dir, { LOCALAGENT_MASTER_PASSWORD: undefined }),
      stdinIsTTY: true,
      prompts: [MASTER_PASSWORD, NEW_PASSWORD, NEW_PASSWORD],
    });
    expect(result.code).toBe(0);
    expect(result.asked).toEqual([
      'Master password:',
      'New master password:',
      'Repeat the master password:',
    ]);
    expect(result.stdout).toContain('Changed the master password');
    expect(await opens(dir, NEW_PASSWORD)).toBe(true);
    expect(await opens(dir, MASTER_PASSWORD)).toBe(false);
  });

  it('asks a short or mistyped new password again, before anything is written', async () => {
    const dir = await withKeyFile();
    const result = await cli(['config', 'change-password', '--json'], {
      env: baseEnv(dir),
      stdinIsTTY: true,
      prompts: ['short', NEW_PASSWORD, 'typo', NEW_PASSWORD, NEW_PASSWORD],
    });
    expect(result.code).toBe(0);
    expect(result.asked.filter((message) => message.startsWith('Too short'))).toHaveLength(1);
    expect(
      result.asked.filter((message) => message.startsWith('The two passwords differ')),
    ).toHaveLength(1);
    expect(JSON.parse(result.stdout)).toEqual({
      changed: true,
      keyFile: expect.stringContaining(dir),
    });
    expect(await opens(dir, NEW_PASSWORD)).toBe(true);
  });

  it('fails on a wrong current password before asking for the new one', async () => {
    const dir = await withKeyFile();
    const result = await cli(['config', 'change-password'], {
      env: baseEnv(dir, { LOCALAGENT_MASTER_PASSWORD: 'not the password at all' }),
      stdinIsTTY: true,
      prompts: [NEW_PASSWORD, NEW_PASSWORD],
    });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('LA_DECRYPTION_FAILED');
    expect(result.asked).toEqual([]);
    expect(await opens(dir, MASTER_PASSWORD)).toBe(true);
  });

  it('reads the new password from one line of stdin with --new-password-stdin', async () => {
    const dir = await withKeyFile();
    const result = await cli(['config', 'change-password', '--new-password-stdin'], {
      env: baseEnv(dir),
      stdin: `${NEW_PASSWORD}\n`,
    });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain(NEW_PASSWORD);
    expect(await opens(dir, NEW_PASSWORD)).toBe(true);
  });

  it('refuses several lines, a terminal on stdin, or no terminal without --new-password-stdin (exit 2)', async () => {
    const dir = await withKeyFile();
    const env = baseEnv(dir);
    const twoLines = await cli(['config', 'change-password', '--new-password-stdin'], {
      env,
      stdin: `${NEW_PASSWORD}\nsomething else\n`,
    });
    expect(twoLines.code).toBe(2);
    expect(twoLines.stderr).toContain('one line');
    const typed = await cli(['config', 'change-password', '--new-password-stdin'], {
      env,
      stdinIsTTY: true,
    });
    expect(typed.code).toBe(2);
    expect(typed.stderr).toContain('echoed');
    const noTerminal = await cli(['config', 'change-password'], { env });
    expect(noTerminal.code).toBe(2);
    expect(noTerminal.stderr).toContain('--new-password-stdin');
    expect(await opens(dir, MASTER_PASSWORD)).toBe(true);
  });

  it('says so, with exit 0, when there is no key file', async () => {
    const dir = tempConfigDir();
    const result = await cli(['config', 'change-password', '--json'], {
      env: baseEnv(dir, { LOCALAGENT_MASTER_PASSWORD: undefined }),
      stdinIsTTY: true,
    });
    expect(result.code).toBe(0);
    expect(result.asked).toEqual([]);
    expect(JSON.parse(result.stdout)).toEqual({
      changed: false,
      keyFile: expect.stringContaining(dir),
      reason: 'no_key_file',
    });
  });

  it('is listed in the help', async () => {
    const help = await cli(['config', '--help']);
    expect(help.stdout).toContain('change-password');
    const own = await cli(['config', 'change-password', '--help']);
    expect(own.stdout).toContain('--new-password-stdin');
  });
});

describe('short new passwords without a terminal: the library refuses them', () => {
  it('LA_MASTER_PASSWORD_WEAK for --new-password-stdin and for a new file with LOCALAGENT_MASTER_PASSWORD', async () => {
    const dir = await withKeyFile();
    const change = await cli(['config', 'change-password', '--new-password-stdin', '--json'], {
      env: baseEnv(dir),
      stdin: 'short\n',
    });
    expect(JSON.parse(change.stdout)).toMatchObject({
      error: { code: 'LA_MASTER_PASSWORD_WEAK' },
    });
    expect(change.code).toBe(3);
    expect(await opens(dir, MASTER_PASSWORD)).toBe(true);
    const created = await cli(['config', 'set-key', 'openai', '--stdin', '--json'], {
      env: baseEnv(tempConfigDir(), { LOCALAGENT_MASTER_PASSWORD: 'short' }),
      stdin: fakeKey(),
    });
    expect(JSON.parse(created.stdout)).toMatchObject({
      error: { code: 'LA_MASTER_PASSWORD_WEAK' },
    });
    expect(created.code).toBe(3);
  });
});
