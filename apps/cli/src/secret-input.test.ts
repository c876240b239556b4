import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { PassThrough } from 'node:stream';
import { memoryIo } from '../test/harness';
import { hasScript, spareTerminal } from '../test/support/terminal';
import {
  askNewMasterPassword,
  confirm,
  openControllingTerminal,
  readKey,
  readStdin,
  resolveMasterPassword,
  stripOneNewline,
  type PromptTerminal,
} from './secret-input';

describe('stripOneNewline', () => {
  it('removes exactly one trailing newline', () => {
    expect(stripOneNewline('key\n')).toBe('key');
    expect(stripOneNewline('key\r\n')).toBe('key');
    expect(stripOneNewline('key\n\n')).toBe('key\n');
    expect(stripOneNewline('key')).toBe('key');
  });
});

describe('readStdin', () => {
  it('reads every chunk, strings included', async () => {
    const stream = new PassThrough({ encoding: 'utf8' });
    stream.write('ab');
    stream.end('cd\n');
    expect(await readStdin(stream)).toBe('abcd');
  });
});

describe('readKey', () => {
  it('reads stdin with --stdin, prompts on a terminal, refuses otherwise', async () => {
    expect(
      await readKey(memoryIo({ stdin: 'k1\n' }).io, {
        stdin: true,
        provider: 'openai',
        command: 'set-key',
      }),
    ).toBe('k1');
    const tty = memoryIo({ stdinIsTTY: true, prompts: ['k2'] });
    expect(await readKey(tty.io, { stdin: false, provider: 'openai', command: 'set-key' })).toBe(
      'k2',
    );
    expect(tty.promptsAsked).toEqual(['API key for openai:']);
    await expect(
      readKey(memoryIo().io, { stdin: false, provider: 'openai', command: 'rotate-key' }),
    ).rejects.toThrow('No terminal');
  });

  it('refuses --stdin when standard input is a terminal (typing would echo the key)', async () => {
    await expect(
      readKey(memoryIo({ stdinIsTTY: true }).io, {
        stdin: true,
        provider: 'openai',
        command: 'set-key',
      }),
    ).rejects.toMatchObject({
      code: 'LA_CLI_USAGE',
      message: expect.stringContaining('echoed'),
    });
  });

  it('turns Ctrl-C at a prompt into LA_ABORTED, and leaves other failures alone', async () => {
    const exit = Object.assign(new Error('User force closed the prompt with SIGINT'), {
      name: 'ExitPromptError',
    });
    const memory = memoryIo({ stdinIsTTY: true });
    memory.io.promptSecret = () => Promise.reject(exit);
    await expect(
      readKey(memory.io, { stdin: false, provider: 'openai', command: 'set-key' }),
    ).rejects.toMatchObject({ code: 'LA_ABORTED' });
    const other = new Error('other');
    memory.io.promptSecret = () => Promise.reject(other);
    await expect(
      readKey(memory.io, { stdin: false, provider: 'openai', command: 'set-key' }),
    ).rejects.toBe(other);
  });
});

const PASSWORD = 'correct horse battery';

/** A terminal answering from a list, as the controlling terminal would (stdin carries the key). */
function fakeTerminal(answers: string[]) {
  const asked: string[] = [];
  let closed = false;
  const terminal: PromptTerminal = {
    ask: async (message) => {
      asked.push(message);
      const answer = answers.shift();
      if (answer === undefined) throw new Error(`unexpected prompt: ${message}`);
      return answer;
    },
    close: () => (closed = true),
  };
  return { open: () => terminal, asked, isClosed: () => closed };
}

describe('resolveMasterPassword', () => {
  it('prefers LOCALAGENT_MASTER_PASSWORD, whatever its length (the library judges a new one)', async () => {
    const terminal = fakeTerminal([]);
    expect(
      await resolveMasterPassword(memoryIo({ env: { LOCALAGENT_MASTER_PASSWORD: 'pw' } }).io, {
        creating: true,
        openTerminal: terminal.open,
      }),
    ).toBe('pw');
    expect(terminal.asked).toEqual([]);
  });

  it('asks once for an existing file, twice for a new one', async () => {
    const existing = memoryIo({ stdinIsTTY: true, prompts: ['a'] });
    expect(await resolveMasterPassword(existing.io, { creating: false })).toBe('a');
    expect(existing.promptsAsked).toEqual(['Master password:']);
    const created = memoryIo({ stdinIsTTY: true, prompts: [PASSWORD, PASSWORD] });
    expect(await resolveMasterPassword(created.io, { creating: true })).toBe(PASSWORD);
    expect(created.promptsAsked).toEqual([
      'New master password for the key file:',
      'Repeat the master password:',
    ]);
  });

  it('asks again, with the reason, for a short new password (before the confirmation) or a mismatch', async () => {
    const memory = memoryIo({
      stdinIsTTY: true,
      prompts: ['short', PASSWORD, 'correct horse batterx', PASSWORD, PASSWORD],
    });
    expect(await resolveMasterPassword(memory.io, { creating: true })).toBe(PASSWORD);
    expect(memory.promptsAsked).toEqual([
      'New master password for the key file:',
      'Too short (at least 12 characters). New master password for the key file:',
      'Repeat the master password:',
      'The two passwords differ. New master password for the key file:',
      'Repeat the master password:',
    ]);
  });

  it('counts characters of the NFC form, not UTF-16 units: 11 emoji are too short', async () => {
    const emoji = '\u{1F511}'.repeat(11); // 22 UTF-16 units
    const nfd = 'e\u0301'.repeat(12); // 24 units, 12 characters once composed
    const memory = memoryIo({ stdinIsTTY: true, prompts: [emoji, nfd, nfd] });
    expect(await resolveMasterPassword(memory.io, { creating: true })).toBe(nfd);
    expect(memory.promptsAsked[1]).toMatch(/^Too short/);
  });

  it('gives up after three tries: LA_MASTER_PASSWORD_WEAK when too short, LA_MASTER_PASSWORD_REQUIRED when they differ', async () => {
    await expect(
      resolveMasterPassword(memoryIo({ stdinIsTTY: true, prompts: ['a', 'b', 'c'] }).io, {
        creating: true,
      }),
    ).rejects.toMatchObject({ code: 'LA_MASTER_PASSWORD_WEAK' });
    const differ = [PASSWORD, `${PASSWORD}!`];
    await expect(
      resolveMasterPassword(
        memoryIo({ stdinIsTTY: true, prompts: [...differ, ...differ, ...differ] }).io,
        { creating: true },
      ),
    ).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
      message: expect.stringContaining('differed 3 times'),
    });
  });

  it('asks on the controlling terminal when standard input is not one, and closes it', async () => {
    const terminal = fakeTerminal([PASSWORD, PASSWORD]);
    const memory = memoryIo({ stdin: 'the key' });
    expect(
      await resolveMasterPassword(memory.io, { creating: true, openTerminal: terminal.open }),
    ).toBe(PASSWORD);
    expect(terminal.asked).toHaveLength(2);
    expect(memory.promptsAsked).toEqual([]);
    expect(terminal.isClosed()).toBe(true);
  });

  it('turns Ctrl-C on the controlling terminal into LA_ABORTED, and still closes it', async () => {
    const terminal = fakeTerminal([]);
    const exit = Object.assign(new Error('User force closed the prompt'), {
      name: 'ExitPromptError',
    });
    const open = () => ({ ...terminal.open(), ask: () => Promise.reject(exit) });
    await expect(
      resolveMasterPassword(memoryIo().io, { creating: false, openTerminal: open }),
    ).rejects.toMatchObject({ code: 'LA_ABORTED' });
    expect(terminal.isClosed()).toBe(true);
  });

  it('fails with a suggestion when there is no terminal at all', async () => {
    await expect(
      resolveMasterPassword(memoryIo().io, { creating: false, openTerminal: () => undefined }),
    ).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
      suggestion: expect.stringContaining('LOCALAGENT_MASTER_PASSWORD'),
    });
    // an io that brings its own prompt is not given the process's terminal behind its back
    await expect(resolveMasterPassword(memoryIo().io, { creating: false })).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
    });
  });
});

describe('askNewMasterPassword', () => {
  it('asks twice on the terminal, or says there is none', async () => {
    const terminal = fakeTerminal([PASSWORD, PASSWORD]);
    expect(await askNewMasterPassword(memoryIo().io, { openTerminal: terminal.open })).toBe(
      PASSWORD,
    );
    expect(terminal.asked).toEqual(['New master password:', 'Repeat the master password:']);
    expect(terminal.isClosed()).toBe(true);
    expect(await askNewMasterPassword(memoryIo().io)).toBeUndefined();
  });
});

describe('openControllingTerminal', () => {
  it('returns undefined when there is no terminal to open', () => {
    expect(openControllingTerminal(join(tmpdir(), 'no-such-dir', 'tty'))).toBeUndefined();
  });

  // @inquirer/password is ESM-only and cannot load under jest's CommonJS runtime: a line reader
  // stands in for it here, and test/master-password-tty.e2e.test.ts runs the real prompt
  const readLine = async (
    input: NodeJS.ReadableStream,
    output: NodeJS.WritableStream,
    message: string,
  ): Promise<string> => {
    output.write(`${message} `);
    const rl = createInterface({ input, terminal: false });
    try {
      return await new Promise<string>((resolve) => rl.once('line', resolve));
    } finally {
      rl.close();
    }
  };

  (hasScript ? it : it.skip)(
    'reads and writes a real terminal, each prompt through its own output',
    async () => {
      const pty = await spareTerminal();
      const terminal = openControllingTerminal(pty.path, readLine);
      try {
        expect(terminal).toBeDefined();
        const first = terminal!.ask('First password:');
        await pty.waitFor('First password:');
        pty.type(`${PASSWORD}\r`);
        expect(await first).toBe(PASSWORD);
        const second = terminal!.ask('Second password:');
        await pty.waitFor('Second password:');
        pty.type('another one\r');
        expect(await second).toBe('another one');
      } finally {
        terminal?.close();
        await pty.close();
      }
    },
    15_000,
  );
});

describe('confirm', () => {
  it('uses the injected question when there is one', async () => {
    expect(await confirm(memoryIo({ confirm: true }).io, 'sure?')).toBe(true);
  });

  it('reads a y/N answer on the terminal', async () => {
    const yes = memoryIo({ stdin: 'y\n' });
    expect(await confirm(yes.io, 'Delete?')).toBe(true);
    expect(yes.stderr()).toContain('Delete? [y/N]');
    expect(await confirm(memoryIo({ stdin: 'no\n' }).io, 'Delete?')).toBe(false);
  });
});
