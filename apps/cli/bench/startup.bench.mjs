// Start-up cost of the bundled CLI, as ratios against baselines measured in the same run:
//   `localagent --version`     vs `node -e 0`                               target <= 1.2x
//   `localagent config list-keys` (file backend, 2 keys, password from env)
//                              vs `node -e 0` + one key derivation + 50 ms  target <= 1.0x
// list-keys is measured with the core's V8 code cache in place (every run after the first), and
// also cold (cache removed before the run, as after an install or upgrade), for information.
// Runs are interleaved so machine noise hits every variant alike; medians are reported.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_PBKDF2_ITERATIONS, EncryptionService } from '@localagent/security';

const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const BUNDLE = join(dirname(fileURLToPath(import.meta.url)), '..', 'dist', 'localagent.js');
const dir = mkdtempSync(join(tmpdir(), 'localagent-bench-'));
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  LOCALAGENT_CONFIG_DIR: dir,
  LOCALAGENT_STORAGE: 'file',
  LOCALAGENT_MASTER_PASSWORD: randomBytes(12).toString('hex'),
};

function timed(args, input) {
  const start = process.hrtime.bigint();
  const result = spawnSync(process.execPath, args, { env, input: input ?? '', encoding: 'utf8' });
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  if (result.status !== 0)
    throw new Error(`${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  return ms;
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

// two keys in the default-strength file (PBKDF2-SHA256, 600,000 iterations)
for (const [provider, prefix] of [
  ['openai', 'sk-proj-'],
  ['anthropic', 'sk-ant-api03-'],
]) {
  timed(
    [BUNDLE, 'config', 'set-key', provider, '--stdin'],
    `${prefix}${'B'.repeat(12)}${randomBytes(16).toString('hex')}`,
  );
}

const service = new EncryptionService();
const salt = randomBytes(16);
const dropCodeCache = () => {
  for (const name of readdirSync(join(dir, 'cache')))
    if (name.endsWith('.v8cache')) rmSync(join(dir, 'cache', name));
};
const samples = { bare: [], version: [], listKeys: [], listKeysCold: [], derive: [] };
for (let i = 0; i < RUNS; i += 1) {
  samples.bare.push(timed(['-e', '0']));
  samples.version.push(timed([BUNDLE, '--version']));
  samples.listKeys.push(timed([BUNDLE, 'config', 'list-keys']));
  dropCodeCache();
  samples.listKeysCold.push(timed([BUNDLE, 'config', 'list-keys'])); // writes the cache again
  const start = process.hrtime.bigint();
  await service.deriveKey(env.LOCALAGENT_MASTER_PASSWORD, salt);
  samples.derive.push(Number(process.hrtime.bigint() - start) / 1e6);
}
rmSync(dir, { recursive: true, force: true });

const bare = median(samples.bare);
const version = median(samples.version);
const listKeys = median(samples.listKeys);
const listKeysCold = median(samples.listKeysCold);
const derive = median(samples.derive);
const budget = bare + derive + 50;
const row = (name, ms, ratio, target) =>
  `${name.padEnd(44)} ${ms.toFixed(1).padStart(8)} ms  ${ratio.toFixed(2).padStart(5)}x  (target ${target})`;
console.log(
  `median of ${RUNS} interleaved runs each; PBKDF2 iterations ${DEFAULT_PBKDF2_ITERATIONS}`,
);
console.log(`${'baseline: node -e 0'.padEnd(44)} ${bare.toFixed(1).padStart(8)} ms`);
console.log(
  `${'baseline: one key derivation (in process)'.padEnd(44)} ${derive.toFixed(1).padStart(8)} ms`,
);
console.log(row('localagent --version / node -e 0', version, version / bare, '<= 1.20x'));
console.log(
  row('config list-keys / (node -e 0 + derivation + 50)', listKeys, listKeys / budget, '<= 1.00x'),
);
console.log(
  `list-keys beyond node -e 0 and one derivation: ${(listKeys - bare - derive).toFixed(1)} ms (budget 50 ms)`,
);
console.log(
  row('first run, no code cache yet (information)', listKeysCold, listKeysCold / budget, 'none'),
);
