import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { defineConfig, type Options } from 'tsup';

type EsbuildPlugin = NonNullable<Options['esbuildPlugins']>[number];

const { version } = JSON.parse(
  readFileSync(new URL('./package.json', import.meta.url), 'utf8'),
) as { version: string };
const define = { __LOCALAGENT_VERSION__: JSON.stringify(version) };
// Native keyring modules stay outside the bundle and are loaded lazily, only when a keyring is probed.
const external = ['@napi-rs/keyring', 'keytar'];

/**
 * Start-up is dominated by V8 parsing JavaScript, and the CLI's core (commander, winston, yaml, the
 * packages) is ~600 kB even minified. So the entry (dist/localagent.js) is a few kB: it answers
 * `--version` itself and otherwise loads the core (dist/localagent-core.js) through
 * build/core-loader.cjs, which compiles it as a CommonJS module with V8's code cache kept in the
 * CLI's cache dir (compiling the core drops from ~25 ms to ~4 ms on later runs). An earlier version
 * embedded the core brotli-compressed in the entry: inflating it cost ~11 ms and its garbage more.
 */
/** In the core, `@localagent/logging` (not its side-effect-free `/config`) is the file beside it. */
const loggingBeside: EsbuildPlugin = {
  name: 'cli-logging-beside-core',
  setup(build) {
    build.onResolve({ filter: /^@localagent\/logging$/ }, () => ({
      path: './localagent-logging.js',
      external: true,
    }));
  },
};

/**
 * In the core, `yaml` (117 kB, the largest dependency left) is a stand-in that requires the real
 * parser from the file beside the core on first use: a run without a config.yaml never loads it.
 * Only the names the core imports exist on the stand-in; importing another is a build error.
 */
const yamlOnDemand: EsbuildPlugin = {
  name: 'cli-yaml-on-demand',
  setup(build) {
    build.onResolve({ filter: /^yaml$/ }, () => ({ path: 'yaml', namespace: 'cli-yaml' }));
    build.onResolve({ filter: /^\.\/localagent-yaml\.js$/ }, (args) => ({
      path: args.path,
      external: true,
    }));
    build.onLoad({ filter: /.*/, namespace: 'cli-yaml' }, () => ({
      loader: 'js',
      resolveDir: resolve('dist'),
      contents: `let yaml;
        const load = () => (yaml ??= require('./localagent-yaml.js'));
        export function parseDocument(...args) { return load().parseDocument(...args); }`,
    }));
  },
};

const coreBeside: EsbuildPlugin = {
  name: 'cli-core-beside-entry',
  setup(build) {
    build.onResolve({ filter: /^\.\/load-run\.js$/ }, () => ({
      path: 'load-run',
      namespace: 'cli-core',
    }));
    build.onLoad({ filter: /.*/, namespace: 'cli-core' }, async () => {
      const bundle = {
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
      } as const;
      /** Bundles one entry into dist/<name>.js, beside the entry; returns the code. */
      const beside = async (name: string, entry: string, plugins: EsbuildPlugin[] = []) => {
        const result = await build.esbuild.build({ ...bundle, entryPoints: [entry], plugins });
        const code = result.outputFiles[0]?.contents ?? new Uint8Array();
        mkdirSync(resolve('dist'), { recursive: true });
        writeFileSync(resolve(`dist/${name}.js`), code);
        return code;
      };
      const code = await beside('localagent-core', resolve('src/run.ts'), [
        loggingBeside,
        yamlOnDemand,
      ]);
      // winston and its transports (~240 kB of the core's dependencies) in a file of their own, which
      // the core requires only when a line at an enabled level is logged (see services/logger.ts)
      await beside(
        'localagent-logging',
        createRequire(import.meta.url).resolve('@localagent/logging'),
      );
      // the YAML parser, required by the core only when there is a config.yaml (see yamlOnDemand)
      await beside(
        'localagent-yaml',
        createRequire(resolve('../../packages/config/package.json')).resolve('yaml'),
      );
      const loader = readFileSync(resolve('build/core-loader.cjs'), 'utf8').replace(
        'const CORE_ID = __CORE_ID__;',
        () =>
          `const CORE_ID = ${JSON.stringify(createHash('sha256').update(code).digest('hex').slice(0, 16))};`,
      );
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
  esbuildPlugins: [coreBeside],
  tsconfig: 'tsconfig.build.json',
});
