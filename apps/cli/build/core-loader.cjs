/* eslint-disable @typescript-eslint/no-require-imports -- plain CommonJS, inlined into the bundle by tsup.config.ts */
/* global __CORE_ID__ -- a placeholder replaced at build time */
// The bundle's replacement for src/load-run.ts (see tsup.config.ts). Plain CommonJS, no dependencies.
// CORE_ID is a hash of dist/localagent-core.js, filled in at build time.
'use strict';
const fs = require('node:fs');
const Module = require('node:module');
const os = require('node:os');
const path = require('node:path');
const vm = require('node:vm');

const CORE_ID = __CORE_ID__;
let core;

/**
 * Where V8's code cache for the core lives: the CLI's cache dir, by the same rules as the CLI
 * (an explicit config dir holds its own `cache/`; on Linux the XDG cache dir otherwise). Nowhere else:
 * a code cache is code, so it is only read from a directory that is ours and closed to others.
 */
function cacheDir(argv, env) {
  let explicit;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--') break;
    if (arg === '--config-dir') explicit = argv[i + 1];
    else if (arg.startsWith('--config-dir=')) explicit = arg.slice('--config-dir='.length);
  }
  explicit = explicit || env.LOCALAGENT_CONFIG_DIR;
  if (explicit) return path.resolve(explicit, 'cache');
  if (process.platform === 'linux')
    return path.join(env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'localagent');
  return undefined;
}

/**
 * One cache per command (`config-list-keys`, `doctor`…): V8 caches the functions a run compiled, and
 * each command compiles different ones. Only the first two bare words count; option values are skipped.
 */
function commandKey(argv) {
  const words = [];
  for (let i = 0; i < argv.length && words.length < 2; i += 1) {
    const arg = argv[i];
    if (arg === '--') break;
    if (
      arg === '--config-dir' ||
      arg === '--log-level' ||
      arg === '--log-format' ||
      arg === '--validate' ||
      arg === '--storage' ||
      arg === '--tail'
    )
      i += 1;
    else if (/^[a-z][a-z-]{0,30}$/.test(arg)) words.push(arg);
  }
  return words.length === 0 ? 'default' : words.join('-');
}

function isPrivateDir(dir) {
  const stat = fs.statSync(dir);
  return (
    stat.isDirectory() &&
    (typeof process.getuid !== 'function' || stat.uid === process.getuid()) &&
    (stat.mode & 0o022) === 0
  );
}

function readCache(file) {
  try {
    return isPrivateDir(path.dirname(file)) ? fs.readFileSync(file) : undefined;
  } catch {
    return undefined;
  }
}

function writeCache(file, data) {
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  if (!isPrivateDir(dir)) return;
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, data, { mode: 0o600 });
  fs.renameSync(tmp, file);
  // caches of other versions of the core are dead weight
  for (const name of fs.readdirSync(dir)) {
    if (/^core-[0-9a-f]+-.*\.v8cache$/.test(name) && !name.startsWith(`core-${CORE_ID}-`))
      fs.rmSync(path.join(dir, name), { force: true });
  }
}

exports.loadRun = () => {
  if (core !== undefined) return core;
  const filename = path.join(__dirname, 'localagent-core.js');
  const source = fs.readFileSync(filename, 'utf8');
  const argv = process.argv.slice(2);
  const dir = cacheDir(argv, process.env);
  const cacheFile =
    dir === undefined ? undefined : path.join(dir, `core-${CORE_ID}-${commandKey(argv)}.v8cache`);
  const cachedData = cacheFile === undefined ? undefined : readCache(cacheFile);
  // compiled as a CommonJS module beside this file: stack frames name it localagent-core.js
  const script = new vm.Script(
    `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
    {
      filename,
      cachedData,
      importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER,
    },
  );
  const mod = new Module(filename, module);
  mod.filename = filename;
  mod.paths = module.paths;
  script
    .runInThisContext()
    .call(mod.exports, mod.exports, Module.createRequire(filename), mod, filename, __dirname);
  mod.loaded = true;
  core = mod.exports;
  if (cacheFile !== undefined && (cachedData === undefined || script.cachedDataRejected)) {
    // at exit, so the cache also holds the functions this run compiled lazily
    process.once('exit', () => {
      try {
        writeCache(cacheFile, script.createCachedData());
      } catch {
        // a cache is optional: never fail a command over it
      }
    });
  }
  return core;
};
