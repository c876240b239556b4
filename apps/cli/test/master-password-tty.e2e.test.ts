/**
 * End to end on a real pseudo-terminal (util-linux `script`): with the key on standard input, the
 * BUILT bundle asks for the master password on the controlling terminal (/dev/tty); without a
 * controlling terminal (a new session, as in CI or cron) it fails with LA_MASTER_PASSWORD_REQUIRED.
 */
import { spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fakeKey, MASTER_PASSWORD, tempConfigDir } from './harness';
import { hasScript, onTerminal } from './support/terminal';

const BUNDLE = resolve(__dirname, '..', 'dist', 'localagent.js');
const NEW_PASSWORD = 'correct horse battery staple';

function env(dir: string, password = ''): NodeJS.ProcessEnv {
  return {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    LOCALAGENT_CONFIG_DIR: dir,
    LOCALAGENT_STORAGE: 'file',
    LOCALAGENT_MASTER_PASSWORD: password,
    NO_COLOR: '1',
  };
}

/** The bundle, run in a new session (setsid): no controlling terminal, like CI or cron. */
function detached(
  args: string[],
  options: { dir: string; password?: string; input: string },
): Promise<{ status: number | null; stdout: string }> {
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], {
      env: env(options.dir, options.password),
      detached: true,
    });
    let stdout = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.on('error', fail);
    child.on('close', (status) => done({ status, stdout }));
    child.stdin.end(options.input);
  });
}

/** A shell command running the bundle with standard input from `file` (the key, as `pass show` would pipe it). */
function piped(file: string, args: string): string {
  return `${process.execPath} ${BUNDLE} ${args} < ${file}`;
}

function keyFileWith(dir: string, key: string): string {
  const file = join(dir, 'key.txt');
  writeFileSync(file, `${key}\n`, { mode: 0o600 });
  return file;
}

/** A key file holding an OpenAI key, encrypted with `password`. */
async function storeWith(dir: string, password: string): Promise<void> {
  const stored = await detached(['config', 'set-key', 'openai', '--stdin'], {
    dir,
    password,
    input: fakeKey(),
  });
  expect(stored.status).toBe(0);
}

async function opens(dir: string, password: string): Promise<boolean> {
  return (await detached(['config', 'list-keys'], { dir, password, input: '' })).status === 0;
}

beforeAll(() => {
  if (!existsSync(BUNDLE))
    throw new Error(`${BUNDLE} is missing: run \`pnpm --filter @localagent/cli build\` first`);
});

describe('master password without a controlling terminal', () => {
  it('fails with LA_MASTER_PASSWORD_REQUIRED (exit 3), stores nothing', async () => {
    const dir = tempConfigDir();
    const result = await detached(['config', 'set-key', 'openai', '--stdin', '--json'], {
      dir,
      input: fakeKey(),
    });
    expect(result.status).toBe(3);
    expect(JSON.parse(result.stdout).error).toMatchObject({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
      suggestion: expect.stringContaining('LOCALAGENT_MASTER_PASSWORD'),
    });
    expect(existsSync(join(dir, 'keys.enc'))).toBe(false);
  });
});

(hasScript ? describe : describe.skip)('master password on the controlling terminal', () => {
  jest.setTimeout(30_000);

  it('piped key, new file: asks on /dev/tty, again for a short or mistyped password, never echoing it', async () => {
    const dir = tempConfigDir();
    const key = fakeKey();
    const run = await onTerminal(piped(keyFileWith(dir, key), 'config set-key openai --stdin'), {
      env: env(dir),
      answers: [
        ['New master password', 'short'],
        ['Too short (at least 12 characters)', NEW_PASSWORD],
        ['Repeat the master password', 'a different password'],
        ['The two passwords differ', NEW_PASSWORD],
        ['Repeat the master password', NEW_PASSWORD],
      ],
    });
    expect(run.unanswered).toEqual([]);
    expect(run.code).toBe(0);
    expect(run.screen).toContain('Stored the openai key');
    expect(run.screen).not.toContain(NEW_PASSWORD);
    expect(run.screen).not.toContain(key);
    const get = await detached(['config', 'get-key', 'openai', '--reveal'], {
      dir,
      password: NEW_PASSWORD,
      input: '',
    });
    expect(get.stdout.trim()).toBe(key);
  });

  it('piped key, existing file: asks the master password once; Ctrl-C there cancels (exit 130)', async () => {
    const dir = tempConfigDir();
    await storeWith(dir, MASTER_PASSWORD);
    const next = fakeKey();
    const rotate = await onTerminal(
      piped(keyFileWith(dir, next), 'config rotate-key openai --stdin'),
      {
        env: env(dir),
        answers: [['Master password', MASTER_PASSWORD]],
      },
    );
    expect(rotate.code).toBe(0);
    expect(rotate.screen).not.toContain('Repeat');
    expect(rotate.screen).not.toContain(MASTER_PASSWORD);
    expect(rotate.screen).toContain('Rotated the openai key');

    const cancelled = await onTerminal(
      piped(keyFileWith(dir, fakeKey()), 'config rotate-key openai --stdin'),
      {
        env: env(dir),
        answers: [['Master password', '\u0003']],
      },
    );
    expect(cancelled.code).toBe(130);
    expect(cancelled.screen).toContain('LA_ABORTED');
  });

  it('change-password: the current password, then the new one twice, all on the terminal', async () => {
    const dir = tempConfigDir();
    await storeWith(dir, MASTER_PASSWORD);
    const run = await onTerminal(`${process.execPath} ${BUNDLE} config change-password`, {
      env: env(dir),
      answers: [
        ['Master password', MASTER_PASSWORD],
        ['New master password', NEW_PASSWORD],
        ['Repeat the master password', NEW_PASSWORD],
      ],
    });
    expect(run.code).toBe(0);
    expect(run.screen).toContain('Changed the master password');
    expect(await opens(dir, NEW_PASSWORD)).toBe(true);
    expect(await opens(dir, MASTER_PASSWORD)).toBe(false);
  });

  it('change-password --new-password-stdin: the current password still comes from /dev/tty', async () => {
    const dir = tempConfigDir();
    await storeWith(dir, MASTER_PASSWORD);
    const file = join(dir, 'new-password.txt');
    writeFileSync(file, `${NEW_PASSWORD}\n`, { mode: 0o600 });
    const run = await onTerminal(piped(file, 'config change-password --new-password-stdin'), {
      env: env(dir),
      answers: [['Master password', MASTER_PASSWORD]],
    });
    expect(run.code).toBe(0);
    expect(run.screen).not.toMatch(/New master password/);
    expect(await opens(dir, NEW_PASSWORD)).toBe(true);
  });
});
