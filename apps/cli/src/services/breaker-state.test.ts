import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBreakerState, saveBreakerState } from './breaker-state';

const posix = process.platform !== 'win32';
const onPosix = posix ? it : it.skip;
const asRoot = posix && process.getuid?.() === 0 ? it : it.skip;
const state = { toJSON: () => ({ version: 1, providers: { openai: { state: 'open' } } }) };

function peerId(): number {
  try {
    return Number(execFileSync('id', ['-u', 'localagent-peer'], { encoding: 'utf8' }).trim());
  } catch {
    return 4242;
  }
}

describe('breaker state in a cache dir others could change', () => {
  let base: string;
  let cache: string;
  let path: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'la-breakers-'));
    cache = join(base, 'cfg', 'cache');
    path = join(cache, 'breakers.json');
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  onPosix('never writes through a symlinked breakers.json: the target stays unchanged', () => {
    mkdirSync(cache, { recursive: true, mode: 0o700 });
    const victim = join(base, 'victim.txt'); // e.g. a file in the user's home
    writeFileSync(victim, 'precious\n');
    symlinkSync(victim, path);
    expect(() => saveBreakerState(path, state)).toThrow(
      expect.objectContaining({ code: 'LA_FILE_PERMISSIONS' }),
    );
    expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    expect(lstatSync(path).isSymbolicLink()).toBe(true);
    expect(readdirSync(cache)).toEqual(['breakers.json']); // no temp file left behind
    expect(readBreakerState(path)).toBeUndefined(); // not obeyed either
  });

  onPosix('refuses a cache dir whose parent is group-writable, before creating anything', () => {
    mkdirSync(join(base, 'cfg'), { mode: 0o700 });
    chmodSync(join(base, 'cfg'), 0o770);
    expect(() => saveBreakerState(path, state)).toThrow(/writable by its group or by others/);
    expect(readdirSync(join(base, 'cfg'))).toEqual([]);
  });

  asRoot(
    'refuses a cache dir or a state file owned by another user, and ignores the state found there',
    () => {
      mkdirSync(cache, { recursive: true, mode: 0o700 });
      writeFileSync(path, JSON.stringify(state.toJSON()));
      chownSync(path, peerId(), peerId()); // planted in a shared cache dir: not obeyed
      expect(readBreakerState(path)).toBeUndefined();
      chownSync(path, 0, 0);
      expect(readBreakerState(path)).toEqual(state.toJSON());
      chownSync(cache, peerId(), peerId());
      expect(readBreakerState(path)).toBeUndefined();
      expect(() => saveBreakerState(path, state)).toThrow(
        expect.objectContaining({
          code: 'LA_FILE_PERMISSIONS',
          details: expect.objectContaining({ path: cache, reason: 'other_owner' }),
        }),
      );
    },
  );

  onPosix(
    'writes privately via a fresh temp file (a name planted in advance is not followed)',
    () => {
      saveBreakerState(path, state);
      expect(readBreakerState(path)).toEqual(state.toJSON());
      expect(lstatSync(path).mode & 0o777).toBe(0o600);
      expect(lstatSync(cache).mode & 0o777).toBe(0o700);
      const victim = join(base, 'victim.txt');
      writeFileSync(victim, 'precious\n');
      // the old, predictable temp name
      symlinkSync(victim, `${path}.${process.pid}.tmp`);
      saveBreakerState(path, state);
      expect(readFileSync(victim, 'utf8')).toBe('precious\n');
    },
  );
});
