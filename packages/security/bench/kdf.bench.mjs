// One key derivation (what each process pays once to open the encrypted key file), as ratios
// against one SHA-256 of 1 MiB measured in the same run, plus absolute milliseconds as information.
// Run: pnpm --filter @localagent/security build && node packages/security/bench/kdf.bench.mjs
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { EncryptionService, SecureKeyManager, getApiKey } from '../dist/index.mjs';

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(runs, fn) {
  await fn(); // warm-up
  const samples = [];
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await fn();
    samples.push(performance.now() - start);
  }
  return median(samples);
}

const mib = randomBytes(1024 * 1024);
const baseline = await time(30, () => createHash('sha256').update(mib).digest());
const salt = randomBytes(16);
const pbkdf2 = await time(5, () =>
  new EncryptionService().deriveKey('correct horse battery staple', salt),
);
const scrypt = await time(3, () =>
  new EncryptionService({ kdf: 'scrypt' }).deriveKey('correct horse battery staple', salt),
);

// what a process pays after the derivation: one retrieve from the file, and getApiKey from env
const dir = mkdtempSync(join(tmpdir(), 'la-bench-'));
const manager = await SecureKeyManager.create({
  configDir: dir,
  storage: 'file',
  masterPassword: 'pw',
  env: {},
  audit: false,
});
await manager.storeKey('groq', 'gsk_' + 'Q'.repeat(40));
const retrieve = await time(50, () => manager.retrieveKey('groq'));
manager.close();
// without a config.yaml only its existence is checked; with one, it is read (it may override the variables)
const envOptions = { configDir: dir, env: { GROQ_API_KEY: 'gsk_' + 'Q'.repeat(40) } };
const fromEnv = await time(1000, () => getApiKey('groq', envOptions));
writeFileSync(
  join(dir, 'config.yaml'),
  'security:\n  providers:\n    my-llm: { env: [MY_LLM_TOKEN] }\n',
);
const fromEnvWithConfig = await time(1000, () => getApiKey('groq', envOptions));
rmSync(dir, { recursive: true, force: true });

const row = (name, ms) =>
  `| ${name.padEnd(48)} | ${`${Number((ms / baseline).toPrecision(3))}x`.padStart(16)} | ${ms.toFixed(3).padStart(10)} |`;
console.log(`| ${'operation (median of the runs)'.padEnd(48)} | vs sha256(1 MiB) |  ms (info) |`);
console.log(`|${'-'.repeat(50)}|-----------------:|-----------:|`);
console.log(row('sha256 of 1 MiB (baseline)', baseline));
console.log(row('PBKDF2-HMAC-SHA256, 600,000 iterations', pbkdf2));
console.log(row('scrypt N=2^17 r=8 p=1', scrypt));
console.log(row('retrieveKey from the file (key already derived)', retrieve));
console.log(row('getApiKey with the env variable set', fromEnv));
console.log(row('getApiKey, env variable set, config.yaml present', fromEnvWithConfig));
