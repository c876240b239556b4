// Keyring round trip (set + get + delete of one item) per driver, in the real Secret Service of
// the D-Bus session, as ratios against baselines measured in the same run:
//   - an in-process Map round trip (what an in-memory store costs), and
//   - the same driver called directly in this process (what the helper process adds; the helper
//     exists so a hung Secret Service can be killed, see src/keyring/host-source.ts).
// Prints a skip line when no Secret Service is reachable. Run it the CI way:
//   LA_TEST_COMMAND="node packages/security/bench/keyring.bench.mjs" dbus-run-session -- bash scripts/with-keyring.sh
// LA_KEYRING_BENCH_MODULE may name another build of the drivers module (default: ../dist/index.mjs).
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';

const ITERATIONS = 40;
const here = new URL('.', import.meta.url);
const modulePath = process.env.LA_KEYRING_BENCH_MODULE ?? new URL('../dist/index.mjs', here).pathname;
const mod = await import(modulePath);
if (typeof mod.loadKeyringBackend !== 'function') {
  console.log(`keyring bench skipped: ${modulePath} does not export loadKeyringBackend (src/index.ts must re-export ./keyring/index.js)`);
  process.exit(0);
}

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
let ran = 0;
for (const driver of ['napi', 'keytar']) {
  const coldStart = process.hrtime.bigint();
  const backend = await mod.loadKeyringBackend(driver);
  const probe = await backend.probe();
  const cold = Number(process.hrtime.bigint() - coldStart) / 1e6;
  if (!probe.usable) {
    console.log(`keyring bench ${driver}: skipped (${probe.reasonCode}: ${probe.reason})`);
    continue;
  }
  ran += 1;
  const hosted = await measure(async (i) => {
    await backend.set(SERVICE, `hosted-${i}`, secret());
    await backend.get(SERVICE, `hosted-${i}`);
    await backend.delete(SERVICE, `hosted-${i}`);
  });
  backend.close?.();
  const inProcess = await measure(direct[driver]());
  console.log(
    `keyring ${driver}: set+get+delete median ${fmt(hosted.median)} (p95 ${fmt(hosted.p95)}); ` +
      `first call incl. helper start + probe ${fmt(cold)}; ` +
      `${(hosted.median / mapRoundTrip.median).toFixed(0)}x a Map round trip (${fmt(mapRoundTrip.median)}), ` +
      `${(hosted.median / inProcess.median).toFixed(2)}x the driver called in-process (${fmt(inProcess.median)})`,
  );
}
if (ran === 0) console.log('keyring bench skipped: no Secret Service reachable (run under scripts/with-keyring.sh)');
