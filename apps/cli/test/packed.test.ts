/**
 * The published package, installed outside the workspace: the bundle must run with nothing but its
 * own files (the workspace packages are devDependencies, bundled in) and without the optional
 * keyring modules.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { installPacked } from '../../../test-support/packed';
import { fakeKey, MASTER_PASSWORD, tempConfigDir } from './harness';

jest.setTimeout(60_000);

describe('the packed @localagent/cli', () => {
  it('runs from its tarball with no dependencies installed', () => {
    const root = installPacked(resolve(__dirname, '..'));
    const pkg = join(root, 'node_modules', '@localagent', 'cli');
    const manifest = JSON.parse(readFileSync(join(pkg, 'package.json'), 'utf8')) as {
      bin: Record<string, string>;
    };
    const bin = join(pkg, manifest.bin['localagent'] ?? '');
    expect(existsSync(join(root, 'node_modules', '@localagent', 'security'))).toBe(false);
    expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);

    const dir = tempConfigDir();
    const env = {
      PATH: process.env['PATH'] ?? '',
      HOME: process.env['HOME'] ?? '',
      LOCALAGENT_CONFIG_DIR: dir,
      LOCALAGENT_MASTER_PASSWORD: MASTER_PASSWORD,
    };
    expect(
      execFileSync(process.execPath, [bin, '--version'], { cwd: root, encoding: 'utf8' }).trim(),
    ).toMatch(/^\d+\.\d+\.\d+/);
    const key = fakeKey();
    // storage auto: the keyring modules are absent, so the encrypted file is used (with one warning)
    const stored = spawnSync(process.execPath, [bin, 'config', 'set-key', 'openai', '--stdin'], {
      cwd: root,
      env,
      input: key,
      encoding: 'utf8',
    });
    expect(stored.status).toBe(0);
    expect(stored.stdout).toContain('in the encrypted file');
    const listed = spawnSync(process.execPath, [bin, 'config', 'list-keys', '--json'], {
      cwd: root,
      env,
      encoding: 'utf8',
    });
    expect(JSON.parse(listed.stdout)).toMatchObject({
      keys: [{ provider: 'openai', source: 'file' }],
    });
    expect(stored.stdout + stored.stderr + listed.stdout + listed.stderr).not.toContain(key);
  });
});
