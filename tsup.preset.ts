import { defineConfig, type Options } from 'tsup';

/**
 * The one build of a published package: ESM (`.mjs`) and CommonJS (`.js`) with their own
 * declarations, for Node 20. `entry` names the public entry points (`index`, and any side-effect-free
 * subpath such as `config`); each must also appear in the package's `exports`.
 */
export function libraryBuild(
  entry: Record<string, string> = { index: 'src/index.ts' },
  extra: Options = {},
) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'node20',
    tsconfig: 'tsconfig.build.json',
    ...extra,
  });
}
