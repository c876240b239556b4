import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// One bundled file; native keyring modules stay external and are loaded lazily. Command modules are
// require()d from their actions, which esbuild turns into lazy initialisers: `--version` and `--help`
// evaluate commander and the CLI's own small modules only (measured by bench/startup.bench.mjs).
export default defineConfig({
  entry: { localagent: 'src/index.ts' },
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
  noExternal: [/.*/],
  external: ['@napi-rs/keyring', 'keytar'],
  banner: { js: '#!/usr/bin/env node' },
  define: { __LOCALAGENT_VERSION__: JSON.stringify(version) },
  // Start-up is dominated by V8 parsing this file: minifying halves it. keepNames keeps error class names
  // (errors set `name` from their constructor); the source map serves --enable-source-maps.
  minify: true,
  esbuildOptions(options) {
    options.keepNames = true;
  },
  sourcemap: true,
  tsconfig: 'tsconfig.build.json',
});
