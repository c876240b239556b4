import { PassThrough } from 'node:stream';
import { memoryIo } from '../test/harness';
import {
  confirm,
  readKey,
  readStdin,
  resolveMasterPassword,
  stripOneNewline,
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

describe('resolveMasterPassword', () => {
  it('prefers LOCALAGENT_MASTER_PASSWORD', async () => {
    expect(
      await resolveMasterPassword(memoryIo({ env: { LOCALAGENT_MASTER_PASSWORD: 'pw' } }).io, {
        creating: true,
      }),
    ).toBe('pw');
  });

  it('asks once for an existing file, twice for a new one', async () => {
    expect(
      await resolveMasterPassword(memoryIo({ stdinIsTTY: true, prompts: ['a'] }).io, {
        creating: false,
      }),
    ).toBe('a');
    expect(
      await resolveMasterPassword(memoryIo({ stdinIsTTY: true, prompts: ['b', 'b'] }).io, {
        creating: true,
      }),
    ).toBe('b');
    await expect(
      resolveMasterPassword(memoryIo({ stdinIsTTY: true, prompts: ['b', 'c'] }).io, {
        creating: true,
      }),
    ).rejects.toThrow('differ');
  });

  it('fails with a suggestion when there is no terminal', async () => {
    await expect(resolveMasterPassword(memoryIo().io, { creating: false })).rejects.toMatchObject({
      code: 'LA_MASTER_PASSWORD_REQUIRED',
      suggestion: expect.stringContaining('LOCALAGENT_MASTER_PASSWORD'),
    });
  });
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
