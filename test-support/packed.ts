import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
  existsSync,
  rmSync,
  realpathSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * Packs a workspace package with `pnpm pack` (as publishing would) and installs the tarball into
 * a fresh folder outside the workspace. Its runtime dependencies are linked from the workspace
 * (sibling @localagent packages are packed and installed the same way), so no registry is needed.
 * Returns the folder: `node` run there resolves the package only through its published files.
 */
export function installPacked(packageDir: string, into?: string): string {
  const root = into ?? mkdtempSync(join(tmpdir(), 'la-packed-'));
  const manifest = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    dependencies?: Record<string, string>;
  };
  const target = join(root, 'node_modules', ...manifest.name.split('/'));
  if (existsSync(target)) return root;
  const packDir = mkdtempSync(join(tmpdir(), 'la-pack-'));
  execFileSync('pnpm', ['pack', '--pack-destination', packDir], { cwd: packageDir, stdio: 'pipe' });
  const tarball = execFileSync('sh', ['-c', `ls ${packDir}/*.tgz`], { encoding: 'utf8' }).trim();
  mkdirSync(target, { recursive: true });
  execFileSync('tar', ['-xzf', tarball, '-C', target, '--strip-components=1']);
  rmSync(packDir, { recursive: true, force: true });
  if (!existsSync(join(root, 'package.json')))
    writeFileSync(join(root, 'package.json'), '{"private":true}\n');
  for (const [dep, range] of Object.entries(manifest.dependencies ?? {})) {
    // pnpm links every dependency into the package's own node_modules
    const depDir = realpathSync(join(packageDir, 'node_modules', ...dep.split('/')));
    if (range.startsWith('workspace:')) {
      installPacked(depDir, root);
      continue;
    }
    const link = join(root, 'node_modules', ...dep.split('/'));
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(depDir, link, 'dir');
  }
  return root;
}

/** Runs a script with node in `cwd` and returns its stdout. `kind` picks ESM (`.mjs`) or CJS (`.cjs`). */
export function runNode(
  cwd: string,
  kind: 'esm' | 'cjs',
  source: string,
  env: NodeJS.ProcessEnv = {},
): string {
  const file = join(
    cwd,
    `probe-${Date.now()}-${Math.random().toString(36).slice(2)}.${kind === 'esm' ? 'mjs' : 'cjs'}`,
  );
  writeFileSync(file, source);
  return execFileSync(process.execPath, [file], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, ...env },
  });
}
