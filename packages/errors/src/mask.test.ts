import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { REDACTED, isSecretFieldName, maskDetails, maskSecrets } from './mask';
import { SECRET_FAMILIES, SECRET_PATTERNS } from './secret-patterns';

const rand = (n: number) => randomBytes(n).toString('hex');
const alnum = (n: number) =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n)
    .padEnd(n, 'Q');

// One sample per credential shape, assembled at run time (nothing key-shaped is committed).
const samples: Array<[string, string]> = [
  ['OpenAI key fragment echoed by a 401', ['sk', 'proj', `${'*'.repeat(30)}${rand(2)}`].join('-')],
  ['OpenAI project key', ['sk', 'proj', alnum(48)].join('-')],
  ['Anthropic key', ['sk', 'ant', 'api03', alnum(40)].join('-')],
  ['OpenRouter key', ['sk', 'or', 'v1', rand(32)].join('-')],
  ['Google API key', `AIza${alnum(35)}`],
  ['GitHub token', `ghp_${alnum(36)}`],
  ['GitHub fine-grained token', `github_pat_${alnum(22)}_${alnum(59)}`],
  ['Slack token', ['xoxb', rand(6), rand(6), alnum(24)].join('-')],
  ['AWS access key id', `AKIA${alnum(16).toUpperCase()}`],
  ['Groq key', `gsk_${alnum(52)}`],
  ['Hugging Face token', `hf_${alnum(34)}`],
  ['xAI key', `xai-${alnum(40)}`],
  ['Replicate token', `r8_${alnum(37)}`],
  ['Perplexity key', `pplx-${alnum(48)}`],
  ['JWT', [`eyJ${alnum(20)}`, alnum(30), alnum(30)].join('.')],
  ['unsigned JWT', `${[`eyJ${alnum(20)}`, `eyJ${alnum(30)}`].join('.')}.`],
  ['Stripe secret key', ['sk', 'live', alnum(24)].join('_')],
  ['Stripe webhook secret', `whsec_${alnum(32)}`],
  ['Google OAuth access token', `ya29.${alnum(60)}`],
  ['Google refresh token', `1//0${alnum(60)}`],
  ['GitLab token', `glpat-${alnum(20)}`],
  ['GitLab runner registration token', `GR1348941${alnum(20)}`],
  ['Slack refresh token', `xoxe.xoxp-1-${alnum(40)}`],
  ['Slack app token', `${'xa' + 'pp'}-1-A${alnum(10)}-${rand(6)}-${rand(32)}`],
  ['AWS Bedrock API key', `ABSK${alnum(100)}`],
  ['AWS AppSync key', `da2-${rand(13)}`],
  ['Azure client secret', `${alnum(3)}8Q~${alnum(34)}`],
  ['Azure storage account key', `${randomBytes(64).toString('base64').slice(0, 86)}==`],
  [
    'PEM private key',
    `-----BEGIN RSA PRIVATE KEY-----\n${alnum(64)}\n${alnum(64)}\n-----END RSA PRIVATE KEY-----`,
  ],
];

// Marker rules keep the marker (and the scheme or host) readable.
const marked: Array<[string, string, string]> = [
  ['a value after a strong marker', `MISTRAL_API_KEY=${alnum(32)}`, `MISTRAL_API_KEY=${REDACTED}`],
  ['a generated value after a weak marker', `sig=${alnum(20)}1`, `sig=${REDACTED}`],
  ['a value after "api key"', `cohere api key ${alnum(39)}1`, `cohere api key ${REDACTED}`],
  [
    'a Slack webhook',
    `https://hooks.slack.com/services/T${alnum(8)}/B${alnum(8)}/${alnum(24)}`,
    `https://hooks.slack.com/services/${REDACTED}`,
  ],
  ['a Bearer value with : and @', `Bearer a1:b@c%d!e`, `Bearer ${REDACTED}`],
];

describe('maskSecrets', () => {
  it.each(samples)('masks a %s', (_name, secret) => {
    const masked = maskSecrets(`before ${secret} after`);
    expect(masked).toBe(`before ${REDACTED} after`);
  });

  it('keeps the scheme of Authorization values and the parameter name of query keys', () => {
    const token = alnum(32);
    expect(maskSecrets(`Authorization: Bearer ${token}`)).toBe(`Authorization: Bearer ${REDACTED}`);
    expect(maskSecrets(`Basic ${token}`)).toBe(`Basic ${REDACTED}`);
    expect(maskSecrets(`GET /v1beta/models?key=${token}&alt=sse`)).toBe(
      `GET /v1beta/models?key=${REDACTED}&alt=sse`,
    );
    expect(maskSecrets(`https://user:${token}@proxy.local:8080/`)).toBe(
      `https://${REDACTED}@proxy.local:8080/`,
    );
  });

  it('masks the whole echoed OpenAI fragment, including its last characters', () => {
    const fragment = `sk-proj-abcd${'*'.repeat(40)}wxyz`;
    expect(maskSecrets(`Incorrect API key provided: ${fragment}.`)).toBe(
      `Incorrect API key provided: ${REDACTED}.`,
    );
  });

  it.each(marked)('masks %s and keeps the marker', (_name, text, expected) => {
    expect(maskSecrets(text)).toBe(expected);
  });

  it('every pattern is global and covered by a sample', () => {
    for (const pattern of SECRET_PATTERNS) {
      expect(pattern.global).toBe(true);
      const hit = [...samples.map(([, s]) => s), ...marked.map(([, s]) => s)].some((s) => {
        pattern.lastIndex = 0;
        return pattern.test(s);
      });
      pattern.lastIndex = 0;
      expect([pattern.source, hit]).toEqual([pattern.source, true]);
    }
  });

  it('masks Basic and Bearer values whole, base64 padding included', () => {
    const padded = `${alnum(22)}==`;
    expect(maskSecrets(`Authorization: Basic ${padded} next`)).toBe(
      `Authorization: Basic ${REDACTED} next`,
    );
    expect(maskSecrets(`Bearer ${alnum(31)}=`)).toBe(`Bearer ${REDACTED}`);
  });

  it('masks Slack tokens of every letter and AWS ids followed by more characters', () => {
    expect(maskSecrets(`xoxe-${alnum(30)}`)).toBe(REDACTED);
    expect(maskSecrets(`AKIA${'A'.repeat(16)}XYZ`)).toBe(REDACTED);
  });

  it('stays linear on long adversarial input (a quadratic pattern would hit the test timeout)', () => {
    const repeated = ['eyJ', 'passwd=', 'password=a1', 'key=', 'Bearer ', 'api_key="', 'ghp_'].map(
      (unit) => unit.repeat(Math.ceil(200_000 / unit.length)),
    );
    for (const text of [
      'sk-'.repeat(60_000),
      'eyJaaaaa.'.repeat(20_000),
      'a://b:'.repeat(30_000),
      `http://${'u'.repeat(100_000)}`,
      ...repeated,
    ]) {
      expect(typeof maskSecrets(text)).toBe('string');
    }
  });

  it('masks a key glued to a digit, an underscore or a percent-encoded byte, not one inside a word', () => {
    const key = `sk-proj-${alnum(30)}`;
    for (const before of ['?x=1%20', 'id_', 'k1', 'x%3D', 'Authorization%3A%20Bearer%20']) {
      expect(maskSecrets(`${before}${key}`)).not.toContain(key);
    }
    expect(maskSecrets(`x-goog-api-key%3DAIza${alnum(35)}`)).toBe(`x-goog-api-key%3D${REDACTED}`);
    expect(maskSecrets(`1https://user:${alnum(12)}@proxy.local/`)).toBe(
      `1https://${REDACTED}@proxy.local/`,
    );
    expect(maskSecrets('the task-0123456789abcdef is done')).toBe(
      'the task-0123456789abcdef is done',
    );
  });

  it('leaves ordinary text alone', () => {
    const text =
      'Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000. Please try again in 1.31s.';
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('maskDetails and isSecretFieldName', () => {
  it('masks secret fields by name and key-like strings at any depth, keeps other values', () => {
    const key = ['sk', 'ant', alnum(40)].join('-');
    const circular: Record<string, unknown> = {
      apiKey: key,
      nested: { note: `uses ${key}`, count: 3, list: [key, 1] },
      password: '',
      err: new Error(`failed with ${key}`),
    };
    circular['self'] = circular;
    const masked = maskDetails(circular);
    expect(masked).toEqual({
      apiKey: REDACTED,
      nested: { note: `uses ${REDACTED}`, count: 3, list: [REDACTED, 1] },
      password: '',
      err: { name: 'Error', message: `failed with ${REDACTED}` },
      self: '[Circular]',
    });
    expect(circular['apiKey']).toBe(key);
    expect(isSecretFieldName('X-Api-Key')).toBe(true);
    expect(isSecretFieldName('Authorization')).toBe(true);
    expect(isSecretFieldName('provider')).toBe(false);
  });
});

describe('the README', () => {
  it('lists every family of SECRET_FAMILIES with its formats (one source)', () => {
    const readme = readFileSync(join(__dirname, '..', 'README.md'), 'utf8');
    for (const { family, formats } of SECRET_FAMILIES)
      expect(readme).toContain(`| ${family} | ${formats} |`);
  });
});

describe('maskSecrets: what the review found', () => {
  it('masks short values written as code or config after a strong marker', () => {
    expect(maskSecrets('password=changeme')).toBe(`password=${REDACTED}`);
    expect(maskSecrets('{"password":"letmein"}')).toBe(`{"password":"${REDACTED}"}`);
    expect(maskSecrets("secret: 'topsecret'")).toBe(`secret: '${REDACTED}'`);
  });

  it('masks URL credentials with an empty user or an @ inside the password', () => {
    const pw = alnum(12);
    expect(maskSecrets(`redis://:${pw}@cache:6379/0`)).toBe(`redis://${REDACTED}@cache:6379/0`);
    expect(maskSecrets(`postgres://app:p@ss${pw}@db:5432/app`)).toBe(
      `postgres://${REDACTED}@db:5432/app`,
    );
  });

  it('leaves references to secrets and paths alone', () => {
    for (const text of [
      'apiKey: process.env.OPENAI_API_KEY',
      'Authorization: Bearer ${OPENAI_API_KEY}',
      'password: <your-password>',
    ]) {
      expect(maskSecrets(text)).toBe(text);
    }
  });
});
