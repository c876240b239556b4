import { memoryIo } from '../test/harness';
import { Output, isColorEnabled, isVersionRequest, writeRaw, writeVersion } from './output';

describe('Output', () => {
  it('writes human results to stdout and notices and warnings to stderr; quiet keeps results and errors only', () => {
    const memory = memoryIo();
    const output = new Output(memory.io, { json: false, quiet: false, color: false });
    output.notice('note');
    output.warn('careful');
    expect(memory.stderr()).toBe('note\nWarning: careful\n');
    const quiet = memoryIo();
    const silent = new Output(quiet.io, { json: false, quiet: true, color: false });
    silent.notice('hidden');
    silent.warn('hidden too');
    silent.failure('Error [X]: shown', {});
    expect(quiet.stderr()).toBe('Error [X]: shown\n');
    output.result(['a', 'b'], { ignored: true });
    expect(memory.stdout()).toBe('a\nb\n');
    expect(() => output.result('again', {})).toThrow('twice');
  });

  it('writes exactly one JSON document with --json, including for a failure', () => {
    const memory = memoryIo();
    const output = new Output(memory.io, { json: true, quiet: false, color: false });
    output.notice('note');
    output.failure('Error [X]: y', { code: 'X' });
    output.failure('Error [Z]: again', { code: 'Z' });
    expect(JSON.parse(memory.stdout())).toEqual({ error: { code: 'X' } });
    expect(memory.stderr()).toBe('note\nError [X]: y\nError [Z]: again\n');
    expect(output.json).toBe(true);
  });

  it('prints nothing for an empty human result and passes raw text through', () => {
    const memory = memoryIo();
    const output = new Output(memory.io, { json: false, quiet: false, color: true });
    output.result('', {});
    writeRaw(memory.io.stdout, 'help text\n');
    expect(memory.stdout()).toBe('help text\n');
    expect(output.paint('31', 'red')).toBe('\u001b[31mred\u001b[0m');
  });

  it('colours only a terminal, and never with NO_COLOR', () => {
    expect(isColorEnabled(memoryIo({ stderrIsTTY: true }).io)).toBe(true);
    expect(isColorEnabled(memoryIo({ stderrIsTTY: true, env: { NO_COLOR: '1' } }).io)).toBe(false);
    expect(isColorEnabled(memoryIo({ stderrIsTTY: true, env: { NO_COLOR: '' } }).io)).toBe(true);
    expect(isColorEnabled(memoryIo({ stderrIsTTY: false }).io)).toBe(false);
  });

  it('recognises a bare --version request', () => {
    expect(isVersionRequest(['--version'])).toBe(true);
    expect(isVersionRequest(['-V'])).toBe(true);
    expect(isVersionRequest(['--version', 'x'])).toBe(false);
    const memory = memoryIo();
    writeVersion(memory.io.stdout, '1.2.3');
    expect(memory.stdout()).toBe('1.2.3\n');
  });
});
