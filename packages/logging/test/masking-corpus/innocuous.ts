/**
 * Strings that must come out of masking unchanged.
 *
 * - PLAIN: high-entropy or structured values that are not credentials (hashes, ids, digests,
 *   versions, paths, URLs without credentials, prose, numbers, dates).
 * - TRICKY: agent log lines that use key / token / secret / password / auth innocently.
 *
 * Generated from a fixed seed, so a false positive reproduces from run to run.
 */

/** mulberry32: small, seeded, good enough to vary test data. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const random = seeded(0x5eed_1234);
const int = (min: number, max: number): number => min + Math.floor(random() * (max - min + 1));
const pick = <T>(items: readonly T[]): T => items[int(0, items.length - 1)] as T;
const chars = (alphabet: string, n: number): string => {
  let out = '';
  for (let i = 0; i < n; i++) out += alphabet.charAt(int(0, alphabet.length - 1));
  return out;
};

const HEX = '0123456789abcdef';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';
const ALNUM = `ABCDEFGHIJKLMNOPQRSTUVWXYZ${LOWER}0123456789`;
const BASE64 = `${ALNUM}+/`;

const hex = (n: number) => chars(HEX, n);
const uuid = () =>
  `${hex(8)}-${hex(4)}-4${hex(3)}-${pick(['8', '9', 'a', 'b'])}${hex(3)}-${hex(12)}`;
const isoDate = () => {
  const d = new Date(
    Date.UTC(
      int(2019, 2027),
      int(0, 11),
      int(1, 28),
      int(0, 23),
      int(0, 59),
      int(0, 59),
      int(0, 999),
    ),
  );
  return d.toISOString();
};
const semver = () => `${int(0, 30)}.${int(0, 40)}.${int(0, 60)}`;
const word = () =>
  pick([
    'agent',
    'router',
    'planner',
    'cache',
    'embeddings',
    'retriever',
    'tool',
    'session',
    'worker',
    'queue',
    'index',
    'prompt',
    'model',
    'memory',
  ]);

function times(n: number, make: () => string): string[] {
  return Array.from({ length: n }, make);
}

function distinct(items: string[]): string[] {
  return [...new Set(items)];
}

const PROSE = [
  'The agent finished the plan in three steps.',
  'Retrying the request after a short pause.',
  'All tools were registered before the first turn.',
  'The router chose the cheaper model for this prompt.',
  'Nothing to do: the cache already holds this answer.',
  'Summarising the conversation so far.',
  'The user asked for a shorter reply.',
  'Loading the workspace configuration from disk.',
  'Falling back to the default provider.',
  'Streaming started; first chunk after 312 ms.',
  'Shutting down cleanly after the last job.',
  'The index was rebuilt overnight.',
  'Two files changed, one insertion, one deletion.',
  'Waiting for the rate limit window to reset.',
  'The planner produced an empty step list.',
  'Context window is 81% full, trimming old turns.',
  'Every worker reported healthy.',
  'Skipping the upload because the file is unchanged.',
  'Parsed 14 tool calls from the response.',
  'The tests passed on the second attempt.',
  'Reading the changelog before the release.',
  'Moved the job to the dead-letter queue after five tries.',
  'The embedding dimension is 1536.',
  'Compressed the transcript from 40 kB to 9 kB.',
  'The request was cancelled by the user.',
  'Resolved the merge conflict in the lockfile.',
  'The scheduler woke up three minutes late.',
  'No relevant documents were found for this query.',
  'The answer cites four sources.',
  'Generated a patch touching six files.',
  'The quick brown fox jumps over the lazy dog.',
  'Memory usage stayed under 300 MB for the whole run.',
];

const PATHS = [
  () => `/home/${pick(['dev', 'ci', 'alice', 'bob'])}/.config/localagent/config.yaml`,
  () => `/var/log/localagent/agent-${isoDate().slice(0, 10)}.log`,
  () =>
    `packages/${pick(['errors', 'logging', 'resilience', 'security'])}/src/${word()}.ts:${int(1, 400)}:${int(1, 80)}`,
  () =>
    `C:\\Users\\${pick(['dev', 'runner'])}\\AppData\\Local\\localagent\\${word()}-${int(1, 99)}.json`,
  () =>
    `./node_modules/.pnpm/${pick(['winston', 'yaml', 'ajv', 'jest'])}@${semver()}/node_modules/${pick(['winston', 'yaml', 'ajv', 'jest'])}/package.json`,
  () => `/tmp/la-${chars(ALNUM, 6)}/${word()}.ndjson`,
  () => `src/${word()}/${word()}-${word()}.test.ts`,
];

const URLS = [
  () =>
    `https://registry.npmjs.org/${pick(['winston', 'yaml', 'ajv', 'undici'])}/-/${pick(['winston', 'yaml', 'ajv', 'undici'])}-${semver()}.tgz`,
  () => `https://example.test/docs/${word()}?page=${int(1, 40)}&lang=${pick(['en', 'fr', 'de'])}`,
  () => `https://api.example.test/v1/${word()}s/${uuid()}`,
  () => `http://127.0.0.1:${int(1024, 65_000)}/health`,
  () => `https://github.com/${pick(['acme', 'localagent', 'octo'])}/${word()}/pull/${int(1, 9000)}`,
  () => `https://cdn.example.test/assets/${hex(8)}/${word()}.js`,
  () => `wss://stream.example.test/v1/${word()}?session=${int(1, 1_000_000)}`,
];

const base64Chunk = (n: number) => chars(BASE64, n);

/** PLAIN: must never be masked. */
export const PLAIN: string[] = distinct([
  ...times(32, () => hex(40)), // git SHAs
  ...times(32, () => hex(7)), // short SHAs
  ...times(32, uuid),
  ...times(24, () => `sha512-${base64Chunk(86)}==`), // npm integrity
  ...times(6, () => `sha1-${base64Chunk(27)}=`),
  ...times(20, () => `data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAA${base64Chunk(int(40, 160))}`),
  ...times(
    30,
    () =>
      pick(['', 'v', '^', '~', '>=']) + semver() + pick(['', '', '-beta.1', '-rc.2', '+build.7']),
  ),
  ...times(30, () => pick(PATHS)()),
  ...times(30, () => pick(URLS)()),
  ...PROSE,
  ...times(24, () =>
    pick([
      String(int(0, 100_000)),
      `${int(0, 999)}.${int(0, 99_999)}`,
      `-${int(1, 9999)}`,
      `${int(1, 9)}e${int(3, 12)}`,
      String(int(1_000_000_000, 2_000_000_000)),
    ]),
  ),
  ...times(24, isoDate),
  ...times(20, () => `sha256:${hex(64)}`), // docker image digests
  ...times(10, () => `ghcr.io/${pick(['acme', 'localagent'])}/${word()}@sha256:${hex(64)}`),
]);

/** TRICKY: innocent uses of key / token / secret / password / auth in agent logs. */
const TRICKY_TEMPLATES: Array<() => string> = [
  () => `cache key=embeddings:v2:${hex(16)}`,
  () => `cache key=${word()}:${int(1, 99_999)}:${pick(['profile', 'settings', 'history'])}`,
  () => `sorted by key=${pick(['updated_at', 'created_at', 'name', 'priority'])}`,
  () => `task-sk-${int(1_000_000_000, 9_999_999_999)} queued`,
  () => `spawned task-sk-${int(1_000_000_000, 9_999_999_999)}`,
  () => `ask-${word()}-${int(1, 9999)} completed in ${int(5, 900)} ms`,
  () => `max_tokens=${pick([256, 1024, 2048, 4096, 8192])}`,
  () =>
    `model=${pick(['gpt-4o-mini', 'claude-3-5-haiku', 'llama-3.1-8b'])} max_tokens=${int(64, 8192)} temperature=0.${int(0, 9)}`,
  () => `token count: ${int(1, 200_000)}`,
  () =>
    `prompt_tokens=${int(10, 9000)} completion_tokens=${int(1, 4000)} total_tokens=${int(20, 13_000)}`,
  () => `Generated ${int(1, 4000)} tokens in ${int(100, 90_000)}ms (${int(5, 200)} tokens/s)`,
  () => `tokenizer=${pick(['cl100k_base', 'o200k_base', 'p50k_base'])}`,
  () => `primary key=id on table ${word()}s`,
  () => `primary_key=${int(1, 99_999)}`,
  () => `foreign key constraint fails on ${word()}s.user_id (row ${int(1, 9999)})`,
  () => `password reset email sent to user ${int(1, 99_999)}`,
  () => `password policy: minimum length ${int(8, 16)}, ${int(1, 3)} symbols`,
  () => `password field left empty by user ${int(1, 9999)}`,
  () => `secret santa draw done for ${int(3, 40)} people`,
  () => `the secret to fast builds is caching (saved ${int(1, 99)} s)`,
  () => `Bearer token expired, refreshing (attempt ${int(1, 5)})`,
  () => `Bearer authentication scheme selected for ${word()}`,
  () => `Token validation succeeded for request ${uuid()}`,
  () => `Token bucket refilled: ${int(0, 60)}/60`,
  () => `Basic auth disabled for /health`,
  () => `set key=value pairs from ${pick(['.env', 'config.yaml', 'flags'])}`,
  () => `keyboard layout ${pick(['us', 'de', 'fr', 'dvorak'])} detected`,
  () => `passkey registered for user ${int(1, 99_999)}`,
  () => `api_key_id=${int(1, 9999)}`,
  () => `keyId=${int(1, 9999)} rotated`,
  () => `key_version=${int(1, 40)}`,
  () => `auth=ok user=${int(1, 99_999)}`,
  () => `auth_provider=${pick(['oauth2', 'saml', 'local'])}`,
  () => `skeleton loader rendered in ${int(1, 400)}ms`,
  () => `x-api-key header was absent on request ${int(1, 99_999)}`,
  () => `Authorization header missing, returning 401 for ${uuid()}`,
  () => `token_type=bearer expires_in=${pick([300, 3600, 7200])}`,
  () => `refresh_token_ttl=${int(1, 90)}d`,
  () => `loaded ${int(1, 20)} secrets from vault path kv/${word()}`,
  () => `secret_name=${word()}/db rotated at ${isoDate()}`,
  () => `key rotation scheduled for ${isoDate().slice(0, 10)}`,
  () => `sorted ${int(1, 99_999)} items by key`,
  () => `keychain unlocked for ${int(1, 600)} s`,
  () => `monkey patching ${word()}.fetch for tests`,
  () => `ssh-keygen finished: ed25519, comment ci@${word()}`,
  () => `keypair_name=${word()}-ci-${int(1, 99)}`,
  () => `git commit ${hex(7)}: document secrets handling`,
  () => `scikit-learn (sk-learn) ${semver()} installed`,
  () => `risk-score=0.${int(0, 999)} desk-${int(1, 400)} disk-${int(0, 9)}`,
  () => `hf_hub cache hit for ${pick(['bert-base-uncased', 'all-MiniLM-L6-v2', 't5-small'])}`,
  () => `openai: retrying after 429, ${int(1, 60)} s (tokens remaining: ${int(0, 90_000)})`,
  () => `tokens per minute limit ${int(10_000, 2_000_000)} reached`,
  () => `using AWS region ${pick(['us-east-1', 'eu-west-3', 'ap-south-1'])} with profile default`,
  () => `github: ${int(0, 5000)} API calls left, reset at ${isoDate()}`,
  () => `session_id cookie absent; starting anonymous session ${int(1, 99_999)}`,
  () => `no credentials found in ~/.aws/credentials, using instance role`,
  () => `secretlint passed on ${int(1, 900)} files`,
  () => `auth header present: ${pick(['true', 'false'])}`,
  () => `turkey, hockey and whiskey were the top ${int(3, 9)} words`,
  () => `compound key (tenant_id, ${word()}_id) is unique`,
  () => `the key insight from run ${int(1, 9999)}: smaller chunks retrieve better`,
  () => `Press any key to continue (${int(1, 9)})`,
  () => `public key fingerprint SHA256 length ${int(40, 50)}`,
  () => `tokens: ${int(1, 9000)} in / ${int(1, 4000)} out`,
];

export const TRICKY: string[] = distinct(TRICKY_TEMPLATES.flatMap((make) => times(4, make)));
