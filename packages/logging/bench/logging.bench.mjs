// Lines per second to a file: (a) plain winston JSON, (b) @localagent/logging with masking on,
// (c) pino with 4 redact paths; and debug() calls per second when debug is disabled.
// Each variant writes the same record, yields to the event loop every 1,000 lines, and is timed
// until its lines are on disk. Rounds are interleaved and the best round of each is kept.
// Run: pnpm --filter @localagent/logging build && node packages/logging/bench/logging.bench.mjs
import { mkdtempSync, rmSync, statSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { createLogger, registerSecret, unregisterSecret } from '../dist/index.mjs';

const require = createRequire(import.meta.url);
const winston = require('winston');
const pino = require('pino');

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const DISABLED_CALLS = 20_000_000;
const meta = {
  requestId: 'req-7f3a9c',
  model: 'gpt-4o-mini',
  provider: 'openai',
  tokens: 1234,
  path: '/v1/chat/completions',
  attempt: 1,
};
const message = 'provider request completed';

const yieldNow = () => new Promise((resolve) => setImmediate(resolve));

function bytesIn(dir) {
  let total = 0;
  for (const name of readdirSync(dir))
    if (name.endsWith('.log')) total += statSync(join(dir, name)).size;
  return total;
}

/** Waits until the directory's .log files stop growing and hold `lines` newline-terminated lines' worth of bytes. */
async function untilOnDisk(dir, expectedBytes) {
  while (bytesIn(dir) < expectedBytes) await new Promise((resolve) => setTimeout(resolve, 2));
}

async function produce(log) {
  for (let i = 0; i < LINES; i++) {
    log(i);
    if (i % 1000 === 999) await yieldNow();
  }
}

async function plainWinston(dir) {
  const file = new winston.transports.File({ filename: join(dir, 'winston.log') });
  const logger = winston.createLogger({
    level: 'info',
    format: winston.format.combine(winston.format.timestamp(), winston.format.json()),
    transports: [file],
  });
  logger.info(message, meta);
  await untilOnDisk(dir, 1);
  const lineBytes = bytesIn(dir);
  const start = process.hrtime.bigint();
  await produce(() => logger.info(message, meta));
  await untilOnDisk(dir, lineBytes * (LINES + 1));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  logger.close();
  return LINES / seconds;
}

async function localagent(dir) {
  const start = process.hrtime.bigint();
  const logger = createLogger({
    console: false,
    format: 'json',
    file: { path: join(dir, 'la.log') },
  });
  await produce(() => logger.info(message, meta));
  // close() resolves once every line is on disk
  await logger.close();
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  const written = readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .reduce((n, f) => n + readFileSync(join(dir, f), 'utf8').split('\n').length - 1, 0);
  if (written !== LINES) throw new Error(`expected ${LINES} lines on disk, found ${written}`);
  return LINES / seconds;
}

/** The same with 50 registered secrets (as @localagent/security registers every key it hands out). */
async function localagentWithSecrets(dir) {
  const secrets = Array.from({ length: 50 }, (_, i) => `registered-key-${i}-${'z'.repeat(24)}`);
  for (const s of secrets) registerSecret(s);
  try {
    return await localagent(dir);
  } finally {
    for (const s of secrets) unregisterSecret(s);
  }
}

async function pinoRedact(dir) {
  const dest = pino.destination({ dest: join(dir, 'pino.log'), sync: false, minLength: 0 });
  const logger = pino(
    {
      level: 'info',
      base: undefined,
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: ['apiKey', 'password', 'headers.authorization', 'token'],
    },
    dest,
  );
  logger.info(meta, message);
  await untilOnDisk(dir, 1);
  const lineBytes = bytesIn(dir);
  const start = process.hrtime.bigint();
  await produce(() => logger.info(meta, message));
  await untilOnDisk(dir, lineBytes * (LINES + 1));
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  dest.end();
  return LINES / seconds;
}

function disabledDebug() {
  const logger = createLogger({ console: false, level: 'info' });
  for (let i = 0; i < 1_000_000; i++) logger.debug(message, meta);
  const start = process.hrtime.bigint();
  for (let i = 0; i < DISABLED_CALLS; i++) logger.debug(message, meta);
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  return DISABLED_CALLS / seconds;
}

async function measure(fn) {
  const dir = mkdtempSync(join(tmpdir(), 'la-bench-'));
  try {
    globalThis.gc?.();
    return await fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const best = { winston: 0, localagent: 0, secrets: 0, pino: 0 };
for (let round = 0; round < ROUNDS; round++) {
  best.winston = Math.max(best.winston, await measure(plainWinston));
  best.localagent = Math.max(best.localagent, await measure(localagent));
  best.secrets = Math.max(best.secrets, await measure(localagentWithSecrets));
  best.pino = Math.max(best.pino, await measure(pinoRedact));
}
const debugRate = disabledDebug();

const fmt = (n) => Math.round(n).toLocaleString('en-US');
console.log(
  `lines per variant: ${LINES.toLocaleString('en-US')}, best of ${ROUNDS} interleaved rounds`,
);
console.log('| variant | lines/s |');
console.log('| --- | ---: |');
console.log(`| (a) plain winston JSON, file transport | ${fmt(best.winston)} |`);
console.log(`| (b) @localagent/logging, JSON + masking, rotating file | ${fmt(best.localagent)} |`);
console.log(`| (b) the same, with 50 registered secrets | ${fmt(best.secrets)} |`);
console.log(`| (c) pino, 4 redact paths, async destination | ${fmt(best.pino)} |`);
console.log(`| disabled debug() calls/s | ${fmt(debugRate)} |`);
console.log(`(b)/(a) = ${(best.localagent / best.winston).toFixed(2)} (target >= 0.9)`);
console.log(`(b)/(c) = ${(best.localagent / best.pino).toFixed(2)} (target >= 0.6)`);
console.log(`(b with 50 secrets)/(a) = ${(best.secrets / best.winston).toFixed(2)}`);
console.log(`disabled debug: ${(debugRate / 1e6).toFixed(1)}M calls/s (target >= 10M)`);

// The masking cost per line, apart from the file output: maskSecrets (all patterns, the registry)
// on typical agent log lines without a credential (the common case: one combined test, no copy)
// and with one (the patterns run and the line is copied), against a no-op string copy baseline.
const { maskSecrets } = await import('@localagent/errors');
const fakeKey = ['sk', 'proj', 'Q'.repeat(24) + '7xYz'.repeat(6)].join('-');
const cleanLines = [
  message,
  'retrying openai request after 429 (attempt 2 of 3, waiting 1310 ms)',
  'tool call read_file path=/home/user/project/src/index.ts bytes=5123',
  '{"model":"gpt-4o-mini","usage":{"prompt_tokens":1532,"completion_tokens":211},"finish_reason":"stop"}',
  'cache key=embeddings:v2:3f9a1c sorted by key=updated_at; max_tokens=4096 token count: 1532',
];
const secretLines = [
  `calling the API with ${fakeKey} now`,
  `Authorization: Bearer ${fakeKey.slice(8)}`,
];
function perLine(lines, calls = 200_000) {
  let sink = 0;
  const start = process.hrtime.bigint();
  for (let i = 0; i < calls; i++) sink += maskSecrets(lines[i % lines.length]).length;
  const ns = Number(process.hrtime.bigint() - start) / calls;
  if (sink === 0) console.log('');
  return ns;
}
for (let i = 0; i < 2; i++) {
  perLine(cleanLines, 20_000);
  perLine(secretLines, 20_000);
}
const cleanNs = Math.min(perLine(cleanLines), perLine(cleanLines), perLine(cleanLines));
const secretNs = Math.min(perLine(secretLines), perLine(secretLines), perLine(secretLines));
console.log(
  `masking cost per line: ${cleanNs.toFixed(0)} ns without a credential, ${secretNs.toFixed(0)} ns with one (maskSecrets, best of 3 x 200,000)`,
);
