import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StorageError } from '@localagent/errors';
import { loadConfig } from './load-config';
import { checkTrustedDir, checkTrustedFile } from './trusted-path';

/** The throwaway second user CI creates (.ci/run); any uid will do for chown when it is missing. */
function peerId(): number {
  try {
    return Number(execFileSync('id', ['-u', 'localagent-peer'], { encoding: 'utf8' }).trim());
  } catch {
    return 4242;
  }
}

const posix = process.platform !== 'win32';
const asRoot = posix && process.getuid?.() === 0 ? it : it.skip;
const onPosix = posix ? it : it.skip;

// not valid YAML: had it been read, the error would be LA_CONFIG_INVALID, not LA_FILE_PERMISSIONS
const HOSTILE = 'security:\n  live_check: { base_url: "http://127.0.0.1:9/steal" \n  [';

function refusal(fn: () => unknown): StorageError {
  try {
    fn();
  } catch (error) {
    expect(StorageError.isInstance(error)).toBe(true);
    expect((error as StorageError).code).toBe('LA_FILE_PERMISSIONS');
    return error as StorageError;
  }
  throw new Error('expected LA_FILE_PERMISSIONS');
}

const load = (file: string, home?: string) =>
  loadConfig({ file, env: {}, sections: {}, trust: { home } });

describe('a config dir another user could change', () => {
  let base: string;
  beforeEach(() => {
    base = mkdtempSync(join(tmpdir(), 'la-trust-'));
  });
  afterEach(() => rmSync(base, { recursive: true, force: true }));

  function configDir(): { dir: string; file: string } {
    const dir = join(base, 'localagent');
    mkdirSync(dir, { mode: 0o700 });
    const file = join(dir, 'config.yaml');
    writeFileSync(file, HOSTILE, { mode: 0o600 });
    return { dir, file };
  }

  asRoot('is refused before config.yaml is read when the dir belongs to another user', () => {
    const { dir, file } = configDir();
    chownSync(dir, peerId(), peerId());
    const error = refusal(() => load(file));
    expect(error.message).toContain(`${dir} belongs to another user (uid ${peerId()})`);
    expect(error.suggestion).toContain(`chown "$(id -u)" "${dir}"`);
    expect(error.details).toMatchObject({ path: dir, reason: 'other_owner', owner: peerId() });
  });

  asRoot('is refused when its parent belongs to another user (they could swap the dir)', () => {
    const { file } = configDir();
    chownSync(base, peerId(), peerId());
    expect(refusal(() => load(file)).details).toMatchObject({ path: base, reason: 'other_owner' });
  });

  asRoot('refuses a config.yaml owned by another user, or a symlink another user owns', () => {
    const { dir, file } = configDir();
    chownSync(file, peerId(), peerId());
    expect(refusal(() => load(file)).details).toMatchObject({ path: file, reason: 'other_owner' });

    const real = join(dir, 'real.yaml');
    writeFileSync(real, 'logging: {}\n', { mode: 0o600 });
    const link = join(dir, 'link.yaml');
    symlinkSync(real, link);
    chownSync(link, peerId(), peerId());
    expect(() => load(link)).toThrow(/belongs to another user/);
  });

  onPosix('refuses a group-writable parent, and a group- or world-writable config.yaml', () => {
    const { file } = configDir();
    chmodSync(base, 0o770);
    const error = refusal(() => load(file));
    expect(error.message).toContain(`${base} is writable by its group or by others (mode 0770)`);
    expect(error.suggestion).toContain(`chmod go-w "${base}"`);
    chmodSync(base, 0o700);

    chmodSync(file, 0o666);
    expect(refusal(() => load(file)).details).toMatchObject({
      path: file,
      reason: 'writable_by_others',
      mode: '0666',
    });
  });

  onPosix(
    'accepts a private dir under /tmp, a file in a sticky dir, and a symlink to a trusted file',
    () => {
      const { dir } = configDir();
      const file = join(dir, 'config.yaml');
      writeFileSync(file, 'logging: {}\n');
      expect(load(file).exists).toBe(true);
      const shared = join(base, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o1777); // sticky: others may add files, not replace ours
      const inShared = join(shared, 'config.yaml');
      writeFileSync(inShared, 'logging: {}\n', { mode: 0o600 });
      expect(load(inShared).exists).toBe(true);

      const link = join(dir, 'link.yaml');
      symlinkSync(file, link);
      expect(load(link).exists).toBe(true);
    },
  );

  onPosix("checks a symlink's target and its directories", () => {
    const { dir } = configDir();
    const open = join(base, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    writeFileSync(join(open, 'config.yaml'), HOSTILE, { mode: 0o600 });
    symlinkSync(join(open, 'config.yaml'), join(dir, 'link.yaml'));
    expect(refusal(() => load(join(dir, 'link.yaml'))).details).toMatchObject({ path: open });
    symlinkSync(open, join(dir, 'linked-dir'));
    expect(() => checkTrustedDir(join(dir, 'linked-dir'))).toThrow(/mode 0777/);
  });

  onPosix('stops at the home directory, and names a group-writable home as such', () => {
    const home = join(base, 'home');
    mkdirSync(join(home, '.config', 'localagent'), { recursive: true, mode: 0o700 });
    const file = join(home, '.config', 'localagent', 'config.yaml');
    writeFileSync(file, 'logging: {}\n', { mode: 0o600 });
    chmodSync(base, 0o775); // above the home directory: not ours to judge (OpenSSH stops there too)
    expect(load(file, home).exists).toBe(true);
    expect(() => load(file)).toThrow(/writable by its group/);

    chmodSync(home, 0o775);
    const error = refusal(() => load(file, home));
    expect(error.message).toContain(`your home directory ${home} is writable by its group`);
    expect(error.message).toContain('Like OpenSSH');
  });

  onPosix('checks the existing parents of a missing file; skips the checks on Windows', () => {
    chmodSync(base, 0o777); // anyone could create config.yaml here
    expect(() => load(join(base, 'config.yaml'))).toThrow(/writable/);
    const file = join(base, 'config.yaml');
    writeFileSync(file, 'logging: {}\n', { mode: 0o600 });
    expect(() => checkTrustedFile(file)).toThrow(/writable/);
    expect(() => checkTrustedFile(file, { platform: 'win32' })).not.toThrow();
    expect(() => checkTrustedDir(join(base, 'missing', 'dir'))).toThrow(/writable/);
  });

  onPosix(
    'refuses a directory that is a file; leaves a config.yaml that is a dir to the reader',
    () => {
      const { dir } = configDir();
      expect(() => checkTrustedDir(join(dir, 'config.yaml'))).toThrow(/is not a directory/);
      mkdirSync(join(dir, 'sub.yaml'), { mode: 0o700 });
      expect(() => load(join(dir, 'sub.yaml'))).toThrow(/Cannot read the config file/);
    },
  );
});
