// Keyring round trip (set + get + delete of one item) per driver, in the real Secret Service of
// the D-Bus session, as ratios against baselines measured in the same run:
//   - an in-process Map round trip (what an in-memory store costs), and
//   - the same driver called directly in this process (what the helper process adds; the helper
//     exists so a hung Secret Service can be killed, see src/keyring/host-source.ts).
// The in-process driver call doubles as the check that a Secret Service is reachable: a skip line
// is printed otherwise. Run it the CI way:
//   LA_TEST_COMMAND="node packages/security/bench/keyring.bench.mjs" dbus-run-session -- bash scripts/with-keyring.sh
// LA_KEYRING_BENCH_MODULE may name another build of the drivers module (default: ../dist/index.mjs).
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ITERATIONS = 40;
const here = new URL('.', import.meta.url);
const modulePath =
  process.env.LA_KEYRING_BENCH_MODULE ?? new URL('../dist/index.mjs', here).pathname;
const mod = await import(modulePath);

const require = createRequire(new URL('../package.json', here));
const SERVICE = `localagent-bench-${process.pid}`;
const secret = () => ['sk', 'bench', randomBytes(16).toString('hex')].join('-');

function stats(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
  return { median: at(0.5), p95: at(0.95) };
}

async function measure(roundTrip) {
  const samples = [];
  await roundTrip(0); // warm-up
  for (let i = 1; i <= ITERATIONS; i++) {
    const start = process.hrtime.bigint();
    await roundTrip(i);
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return stats(samples);
}

const map = new Map();
const mapRoundTrip = await measure(async (i) => {
  map.set(`${SERVICE}/a${i}`, secret());
  map.get(`${SERVICE}/a${i}`);
  map.delete(`${SERVICE}/a${i}`);
});

const direct = {
  napi: () => {
    const { Entry } = require('@napi-rs/keyring');
    const pin = { linux: { store: 'secret-service' } };
    return async (i) => {
      const entry = new Entry(SERVICE, `direct-${i}`, pin);
      entry.setPassword(secret());
      entry.getPassword();
      entry.deletePassword();
    };
  },
  keytar: () => {
    const keytar = require('keytar');
    return async (i) => {
      await keytar.setPassword(SERVICE, `direct-${i}`, secret());
      await keytar.getPassword(SERVICE, `direct-${i}`);
      await keytar.deletePassword(SERVICE, `direct-${i}`);
    };
  },
};

const fmt = (ms) => (ms < 0.1 ? `${(ms * 1000).toFixed(1)} µs` : `${ms.toFixed(2)} ms`);
const ratios = (ms, inProcess) =>
  `${(ms / mapRoundTrip.median).toFixed(0)}x a Map round trip (${fmt(mapRoundTrip.median)}), ` +
  `${(ms / inProcess.median).toFixed(2)}x the driver called in-process (${fmt(inProcess.median)})`;

// SecureKeyManager is what the CLI uses: storeKey + retrieveKey + deleteKey of one key in the
// keyring (validate: 'none'; the audit log on, as by default).
async function managerRoundTrip(keyringDriver) {
  if (typeof mod.SecureKeyManager !== 'function') return undefined;
  const configDir = mkdtempSync(join(tmpdir(), 'la-keyring-bench-'));
  try {
    const env = { DBUS_SESSION_BUS_ADDRESS: process.env.DBUS_SESSION_BUS_ADDRESS };
    const manager = await mod.SecureKeyManager.create({
      configDir,
      env,
      storage: 'keyring',
      keyringDriver,
      configFile: false,
    });
    if (!(await manager.status()).keyring.usable) return undefined;
    // a new provider (a new keyring item) each time, as the in-process baseline uses a new Entry
    const result = await measure(async (i) => {
      const provider = `bench-${process.pid}-${i}`;
      await manager.storeKey(provider, secret(), { validate: 'none' });
      await manager.retrieveKey(provider);
      await manager.deleteKey(provider);
    });
    manager.close();
    return result;
  } finally {
    rmSync(configDir, { recursive: true, force: true });
  }
}

let ran = 0;
for (const driver of ['napi', 'keytar']) {
  let inProcess;
  try {
    inProcess = await measure(direct[driver]());
  } catch (error) {
    console.log(`keyring bench ${driver}: skipped (${error.message.split('\n')[0]})`);
    continue;
  }
  ran += 1;
  if (typeof mod.loadKeyringBackend === 'function') {
    const coldStart = process.hrtime.bigint();
    const backend = await mod.loadKeyringBackend(driver);
    const probe = await backend.probe();
    const cold = Number(process.hrtime.bigint() - coldStart) / 1e6;
    if (probe.usable) {
      const hosted = await measure(async (i) => {
        await backend.set(SERVICE, `hosted-${i}`, secret());
        await backend.get(SERVICE, `hosted-${i}`);
        await backend.delete(SERVICE, `hosted-${i}`);
      });
      backend.close?.();
      console.log(
        `keyring ${driver} backend: set+get+delete median ${fmt(hosted.median)} (p95 ${fmt(hosted.p95)}); ` +
          `first call incl. helper start + probe ${fmt(cold)}; ${ratios(hosted.median, inProcess)}`,
      );
    } else
      console.log(`keyring ${driver} backend: not usable (${probe.reasonCode}: ${probe.reason})`);
  } else
    console.log(
      `keyring ${driver} backend: not measured (${modulePath} does not export loadKeyringBackend)`,
    );
  const managed = await managerRoundTrip(driver);
  if (managed !== undefined) {
    console.log(
      `keyring ${driver} SecureKeyManager: storeKey+retrieveKey+deleteKey median ${fmt(managed.median)} (p95 ${fmt(managed.p95)}); ` +
        ratios(managed.median, inProcess),
    );
  }
}
if (ran === 0)
  console.log(
    'keyring bench skipped: no Secret Service reachable (run under scripts/with-keyring.sh)',
  );
