import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { brotliCompressSync, constants as zlib } from 'node:zlib';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const { version } = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __LOCALAGENT_VERSION__: JSON.stringify(version) };
// Native keyring modules stay outside the bundle and are loaded lazily, only when a keyring is probed.
const external = ['@napi-rs/keyring', 'keytar'];

/**
 * Start-up is dominated by V8 parsing JavaScript, and the CLI's core (commander, winston, ajv, yaml,
 * the four packages) is ~700 kB even minified. So the core is bundled separately and embedded in the
 * entry as a brotli-compressed base64 string literal (~190 kB), which V8 only has to scan past; it is
 * inflated (a few ms) and compiled on first use by build/core-loader.cjs, as a CommonJS module whose
 * `require` and `import()` of the external keyring modules work as usual, with V8's code cache kept
 * in the CLI's cache dir (compiling the core drops from ~25 ms to ~4 ms on later runs).
 * `localagent --version` never touches it. The file stays one self-contained bundle.
 */
const embedCore: EsbuildPlugin = {
  name: 'embed-cli-core',
  setup(build) {
    build.onResolve({ filter: /^\.\/load-run\.js$/ }, () => ({ path: 'load-run', namespace: 'embed-cli-core' }));
    build.onLoad({ filter: /.*/, namespace: 'embed-cli-core' }, async () => {
      const core = await build.esbuild.build({
        entryPoints: [resolve('src/run.ts')],
        bundle: true,
        write: false,
        format: 'cjs',
        platform: 'node',
        target: 'node20',
        minify: true,
        // errors take `name` from their constructor: keep class names through minification
        keepNames: true,
        define,
        external,
        tsconfig: resolve('tsconfig.build.json'),
        logLevel: 'warning',
      });
      const code = core.outputFiles[0]?.contents ?? new Uint8Array();
      // brotli + base64: a quarter of the size, so a quarter of the characters for V8 to scan
      const packed = brotliCompressSync(code, { params: { [zlib.BROTLI_PARAM_QUALITY]: 11, [zlib.BROTLI_PARAM_SIZE_HINT]: code.length } }).toString('base64');
      const loader = readFileSync(resolve('build/core-loader.cjs'), 'utf8')
        .replace('const CORE = __CORE__;', () => `const CORE = ${JSON.stringify(packed)};`)
        .replace('const CORE_ID = __CORE_ID__;', () => `const CORE_ID = ${JSON.stringify(createHash('sha256').update(code).digest('hex').slice(0, 16))};`);
      return { loader: 'js', resolveDir: resolve('build'), contents: loader };
    });
  },
};

export default defineConfig({
  entry: { localagent: 'src/index.ts' },
  format: ['cjs'],
  platform: 'node',
  target: 'node20',
  clean: true,
  dts: false,
  noExternal: [/.*/],
  external,
  banner: { js: '#!/usr/bin/env node' },
  define,
  minify: true,
  esbuildPlugins: [embedCore],
  tsconfig: 'tsconfig.build.json',
});
