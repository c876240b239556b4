// `pnpm demo`: a scripted, readable end-to-end run of LocalAgent in a throwaway config dir.
// No keyring (the encrypted file backend), no network beyond a flaky HTTP server on 127.0.0.1.
// Runs unattended (CI=true, no TTY): keys go in on stdin, the master password comes from the env.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { fromHttpResponse } from '@localagent/errors';
import { createLogger, newRequestId, withContext } from '@localagent/logging';
import { PolicyRegistry, createResilientFetch, executeWithFallback } from '@localagent/resilience';
import { getApiKey } from '@localagent/security';

const print = (text = '') => process.stdout.write(`${text}\n`);
const here = dirname(fileURLToPath(import.meta.url));
const BUNDLE = join(here, '..', 'dist', 'localagent.js');
const color = process.stdout.isTTY === true && !process.env.NO_COLOR;
const bold = (text) => (color ? `\u001b[1m${text}\u001b[0m` : text);
const dim = (text) => (color ? `\u001b[2m${text}\u001b[0m` : text);

const configDir = mkdtempSync(join(tmpdir(), 'localagent-demo-'));
// The live key check sends a key only to a provider's own host or to one config.yaml allows:
// LOCALAGENT_OPENAI_BASE_URL (the live rotation below) can point at the local stand-in only because it is listed here.
writeFileSync(
  join(configDir, 'config.yaml'),
  "security:\n  live_check:\n    allowed_hosts: ['127.0.0.1']\n",
  { mode: 0o600 },
);
const masterPassword = randomBytes(12).toString('hex');
// Fake keys with the providers' shapes, made up now: nothing here is a real credential.
const fake = (prefix) => `${prefix}${'D'.repeat(12)}${randomBytes(16).toString('hex')}`;
const keys = {
  openai: fake(['sk', 'proj', ''].join('-')),
  openaiRotated: fake(['sk', 'proj', ''].join('-')),
  anthropic: fake(['sk', 'ant', 'api03', ''].join('-')),
  override: fake(['sk', 'proj', ''].join('-')),
};
const env = {
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '',
  NO_COLOR: '1',
  LOCALAGENT_CONFIG_DIR: configDir,
  LOCALAGENT_STORAGE: 'file',
  LOCALAGENT_MASTER_PASSWORD: masterPassword,
};
const everythingPrinted = [];
let step = 0;

function heading(title, what) {
  step += 1;
  print(`\n${bold(`── Step ${step}: ${title} `.padEnd(78, '─'))}`);
  print(dim(what));
}

function show(text) {
  everythingPrinted.push(text);
  print(text);
}

/** Runs the built CLI as a user would and prints the command line, its output and its exit code. */
function localagent(args, { input, inputLabel, extraEnv = {}, expect = 0 } = {}) {
  const shown = `${inputLabel === undefined ? '' : `${inputLabel} | `}${Object.keys(extraEnv)
    .map((k) => `${k}=… `)
    .join('')}localagent ${args.join(' ')}`;
  print(`\n  $ ${shown}`);
  const result = spawnSync(process.execPath, [BUNDLE, ...args], {
    input: input ?? '',
    encoding: 'utf8',
    env: { ...env, ...extraEnv },
  });
  const out = `${result.stdout}${result.stderr}`.trimEnd();
  if (out !== '') show(out.replace(/^/gm, '    '));
  print(dim(`    (exit ${result.status})`));
  if (result.status !== expect)
    throw new Error(
      `expected exit ${expect} from \`localagent ${args.join(' ')}\`, got ${result.status}`,
    );
  return result;
}

/** The same, without blocking this process: for commands that talk to the local server below. */
function localagentAsync(args, { input, inputLabel, extraEnv = {}, expect = 0 } = {}) {
  const shown = `${inputLabel === undefined ? '' : `${inputLabel} | `}${Object.keys(extraEnv)
    .map((k) => `${k}=… `)
    .join('')}localagent ${args.join(' ')}`;
  print(`\n  $ ${shown}`);
  return new Promise((done, fail) => {
    const child = spawn(process.execPath, [BUNDLE, ...args], { env: { ...env, ...extraEnv } });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.stderr.on('data', (chunk) => (out += chunk));
    child.on('error', fail);
    child.on('close', (status) => {
      if (out.trimEnd() !== '') show(out.trimEnd().replace(/^/gm, '    '));
      print(dim(`    (exit ${status})`));
      if (status !== expect)
        fail(
          new Error(`expected exit ${expect} from \`localagent ${args.join(' ')}\`, got ${status}`),
        );
      else done();
    });
    child.stdin.end(input ?? '');
  });
}

// A local stand-in for the providers (127.0.0.1 only): GET /openai/v1/models answers the live key
// check (overloaded once, then fine); the chat routes serve the agent calls of step 7.
let modelsScript = [503, 200];
let primaryScript = [429, 503, 200]; // the first chat call: rate limited, then overloaded, then fine
let primaryDown = false;
const server = createServer((req, res) => {
  const provider = req.url.startsWith('/openai/') ? 'openai' : 'anthropic';
  const json = (status, body, headers = {}) =>
    res
      .writeHead(status, {
        'content-type': 'application/json',
        'x-request-id': `req_${randomBytes(4).toString('hex')}`,
        ...headers,
      })
      .end(JSON.stringify(body));
  if (req.url === '/openai/v1/models') {
    if (!/^Bearer sk-proj-/.test(req.headers.authorization ?? ''))
      return json(401, {
        error: { message: 'invalid key', type: 'invalid_request_error', code: 'invalid_api_key' },
      });
    const status = modelsScript.shift() ?? 200;
    return status === 200
      ? json(200, { data: [{ id: 'local-model' }] })
      : json(status, { error: { message: 'The server is overloaded', type: 'server_error' } });
  }
  const expected = provider === 'openai' ? `Bearer ${keys.openaiRotated}` : keys.anthropic;
  const given = provider === 'openai' ? req.headers.authorization : req.headers['x-api-key'];
  if (given !== expected)
    return json(401, { error: { message: 'invalid key', type: 'authentication_error' } });
  const status =
    provider === 'anthropic' ? 200 : primaryDown ? 503 : (primaryScript.shift() ?? 200);
  if (status === 200) return json(200, { provider, answer: 'Hello from the local model.' });
  return json(
    status,
    {
      error: {
        message: status === 429 ? 'Rate limit reached' : 'The server is overloaded',
        type: 'server_error',
      },
    },
    status === 429 ? { 'retry-after-ms': '150' } : {},
  );
});
await new Promise((done) => server.listen(0, '127.0.0.1', done));
const base = `http://127.0.0.1:${server.address().port}`;

print(bold('LocalAgent demo'));
print(`A throwaway config dir: ${configDir}`);
print(
  'Encrypted file backend (no keyring needed); the master password is in LOCALAGENT_MASTER_PASSWORD.',
);

// ── the key store, through the CLI ──────────────────────────────────────────────────────────────
heading(
  'store a key from standard input',
  'The key is piped in (one trailing newline stripped), validated against the provider format, encrypted (AES-256-GCM, PBKDF2 600k) and audited.',
);
localagent(['config', 'set-key', 'openai', '--stdin'], {
  input: `${keys.openai}\n`,
  inputLabel: 'printf "%s\\n" "$OPENAI_KEY"',
});

heading(
  'a key on the command line is refused',
  'Arguments end up in shell history and in `ps` for every user: the CLI refuses them (exit 2) and stores nothing.',
);
localagent(['config', 'set-key', 'anthropic', '<the-key-itself>'], { expect: 2 });

heading(
  'store a second key, from a file',
  'The safe ways are the masked prompt (on a terminal) or --stdin; here a file redirected to stdin.',
);
const keyFile = join(configDir, '..', `${configDir.split('/').pop()}-anthropic.txt`);
writeFileSync(keyFile, keys.anthropic, { mode: 0o600 });
localagent(['config', 'set-key', 'anthropic', '--stdin'], {
  input: readFileSync(keyFile),
  inputLabel: 'cat anthropic.txt',
});
rmSync(keyFile);

heading(
  'list the keys',
  'Fingerprints only: the public prefix and the last four characters, never the key.',
);
localagent(['config', 'list-keys']);

heading(
  'rotate a key, checked live with the provider first',
  "The new key is sent to the provider's cheapest authenticated endpoint (GET /models, here the local server: config.yaml lists 127.0.0.1 in security.live_check.allowed_hosts, as an environment variable alone cannot send a key to a new host; it is overloaded once) through the resilience policy: the 503 is retried, the 200 accepts the key, and only then does it replace the old one, atomically and in every backend. The retry is logged on stderr; the breaker state is saved in the cache dir for the next run.",
);
await localagentAsync(
  ['config', 'rotate-key', 'openai', '--stdin', '--validate', 'live', '--log-format', 'json'],
  {
    input: keys.openaiRotated,
    inputLabel: 'printf "%s" "$NEW_OPENAI_KEY"',
    extraEnv: { LOCALAGENT_OPENAI_BASE_URL: `${base}/openai/v1` },
  },
);

heading(
  'OPENAI_API_KEY overrides the stored key',
  'An environment variable wins (CI, containers); list-keys shows both and which one is active.',
);
localagent(['config', 'get-key', 'openai'], { extraEnv: { OPENAI_API_KEY: keys.override } });
localagent(['config', 'list-keys', '--json'], { extraEnv: { OPENAI_API_KEY: keys.override } });

// ── an agent's provider call, through the libraries ──────────────────────────────────────────────
heading(
  'a resilient call to a flaky provider, with failover',
  'What agent code does with the stored keys: getApiKey(), a resilient fetch (retries on 429/503, honouring retry-after), a circuit breaker that opens, and failover to a second provider. The server is local (127.0.0.1).',
);

const logLines = [];
const logger = createLogger({
  level: 'info',
  format: 'json',
  service: 'demo-agent',
  console: {
    stream: new Writable({
      write: (chunk, _enc, done) => (
        logLines.push(...chunk.toString().split('\n').filter(Boolean)),
        done()
      ),
    }),
  },
});
const registry = new PolicyRegistry({
  logger,
  retry: { maxAttempts: 3, baseDelayMs: 50, maxDelayMs: 2000 },
  circuitBreaker: { failureThreshold: 2, recoveryTimeoutMs: 60_000 },
});
const keyOptions = {
  configDir,
  env: { ...env, LOCALAGENT_MASTER_PASSWORD: masterPassword },
  logger,
};
const openaiKey = await getApiKey('openai', keyOptions);
const anthropicKey = await getApiKey('anthropic', keyOptions);

async function chat(provider, fetchImpl) {
  const url = `${base}/${provider}/v1/chat/completions`;
  const headers =
    provider === 'openai'
      ? { authorization: `Bearer ${openaiKey}` }
      : { 'x-api-key': anthropicKey };
  logger.info(`POST ${url}`, { provider, headers }); // the key is in `headers`: watch it come out masked
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: '{"messages":[]}',
  });
  if (!response.ok)
    throw fromHttpResponse({
      provider,
      status: response.status,
      headers: response.headers,
      body: await response.text(),
    });
  return response.json();
}

const calls = [];
const requestIds = [];
async function call(label, fn) {
  const requestId = newRequestId();
  requestIds.push(requestId);
  await withContext({ requestId }, async () => {
    try {
      const value = await fn();
      calls.push(`${label}: answered by ${value.provider}${value.via ?? ''}`);
      logger.info('call succeeded', { provider: value.provider });
    } catch (error) {
      calls.push(`${label}: failed with ${error.code}`);
      logger.error('call failed', error);
    }
  });
}

await call('call 1 (openai: 429, then 503, then 200)', () =>
  chat('openai', createResilientFetch({ registry, provider: 'openai' })),
);
primaryDown = true;
const withFailover = async () => {
  const result = await executeWithFallback(
    registry,
    [
      { provider: 'openai', run: () => chat('openai', fetch) },
      { provider: 'anthropic', run: () => chat('anthropic', fetch) },
    ],
    {
      onFallback: (failed, next) =>
        logger.warning(`failing over from ${failed.provider} to ${next}`, {
          code: failed.code,
          skipped: failed.skipped,
        }),
    },
  );
  return { ...result.value, via: ` (openai circuit: ${registry.get('openai').circuitState})` };
};
await call('call 2 (openai down)', withFailover);
await call('call 3 (openai down)', withFailover);
await call('call 4 (openai circuit open)', withFailover);
await logger.close();
server.close();

print('\n  What happened:');
for (const line of calls) show(`    • ${line}`);
print(
  '\n  The JSON log lines these calls produced, grouped by request id (keys masked as [REDACTED]):',
);
for (const [index, requestId] of requestIds.entries()) {
  print(`\n    request ${index + 1}: requestId ${requestId}`);
  for (const line of logLines.filter((l) => JSON.parse(l).requestId === requestId))
    show(`      ${line}`);
}

// ── the audit trail ──────────────────────────────────────────────────────────────────────────────
heading(
  'verify the audit log',
  'Every store, retrieve, rotate, delete and list appended a hash-chained line (never key material).',
);
localagent(['audit', 'show', '--tail', '5']);
localagent(['audit', 'verify']);

heading(
  'tamper with the audit log, and get caught',
  'Someone edits the line that records the rotation to cover their tracks: the hash chain breaks at that line and `audit verify` exits 6.',
);
const auditPath = join(configDir, 'audit.log');
const lines = readFileSync(auditPath, 'utf8').split('\n');
const edited = lines.findIndex((line) => line.includes('"action":"rotate"'));
lines[edited] = lines[edited].replace('"outcome":"success"', '"outcome":"failure"');
writeFileSync(auditPath, lines.join('\n'));
print(`\n  (line ${edited + 1} of audit.log edited: "outcome":"success" → "failure")`);
localagent(['audit', 'verify'], { expect: 6 });

// ── the proof ────────────────────────────────────────────────────────────────────────────────────
heading(
  'no key anywhere',
  'Every byte printed above and every file under the config dir, searched for the four keys.',
);
const { readdirSync, statSync } = await import('node:fs');
const files = (dir) =>
  readdirSync(dir).flatMap((n) =>
    statSync(join(dir, n)).isDirectory() ? files(join(dir, n)) : [join(dir, n)],
  );
const haystack = [
  everythingPrinted.join('\n'),
  ...files(configDir).map((f) => readFileSync(f, 'latin1')),
].join('\n');
const leaked = Object.entries(keys).filter(([, key]) => haystack.includes(key));
print(
  `\n  searched ${files(configDir).length} files and ${everythingPrinted.join('\n').length} characters of output: ${leaked.length === 0 ? 'no key found' : `LEAKED: ${leaked.map(([name]) => name).join(', ')}`}`,
);
rmSync(configDir, { recursive: true, force: true });
if (leaked.length > 0) process.exit(1);
print(`\n${bold('Demo complete.')} The config dir was removed.`);
