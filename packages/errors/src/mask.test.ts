import { randomBytes } from 'node:crypto';
import { REDACTED, SECRET_PATTERNS, isSecretFieldName, maskDetails, maskSecrets } from './mask';

const rand = (n: number) => randomBytes(n).toString('hex');
const alnum = (n: number) => randomBytes(n * 2).toString('base64').replace(/[^A-Za-z0-9]/g, '').slice(0, n).padEnd(n, 'Q');

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
    expect(maskSecrets(`GET /v1beta/models?key=${token}&alt=sse`)).toBe(`GET /v1beta/models?key=${REDACTED}&alt=sse`);
    expect(maskSecrets(`https://user:${token}@proxy.local:8080/`)).toBe(`https://${REDACTED}@proxy.local:8080/`);
  });

  it('masks the whole echoed OpenAI fragment, including its last characters', () => {
    const fragment = `sk-proj-abcd${'*'.repeat(40)}wxyz`;
    expect(maskSecrets(`Incorrect API key provided: ${fragment}.`)).toBe(`Incorrect API key provided: ${REDACTED}.`);
  });

  it('every pattern is global and covered by a sample', () => {
    for (const pattern of SECRET_PATTERNS) {
      expect(pattern.global).toBe(true);
      const hit =
        samples.some(([, s]) => {
          pattern.lastIndex = 0;
          return pattern.test(s);
        }) ||
        pattern.source.includes('Bearer') ||
        pattern.source.includes('api');
      pattern.lastIndex = 0;
      expect(hit).toBe(true);
    }
  });

  it('masks Basic and Bearer values whole, base64 padding included', () => {
    const padded = `${alnum(22)}==`;
    expect(maskSecrets(`Authorization: Basic ${padded} next`)).toBe(`Authorization: Basic ${REDACTED} next`);
    expect(maskSecrets(`Bearer ${alnum(31)}=`)).toBe(`Bearer ${REDACTED}`);
  });

  it('masks Slack tokens of every letter and AWS ids followed by more characters', () => {
    expect(maskSecrets(`xoxe-${alnum(30)}`)).toBe(REDACTED);
    expect(maskSecrets(`AKIA${'A'.repeat(16)}XYZ`)).toBe(REDACTED);
  });

  it('stays linear on long adversarial input (a quadratic pattern would hit the test timeout)', () => {
    for (const text of ['sk-'.repeat(60_000), 'eyJaaaaa.'.repeat(20_000), 'a://b:'.repeat(30_000), `http://${'u'.repeat(100_000)}`]) {
      expect(typeof maskSecrets(text)).toBe('string');
    }
  });

  it('masks a key glued to a digit, an underscore or a percent-encoded byte, not one inside a word', () => {
    const key = `sk-proj-${alnum(30)}`;
    for (const before of ['?x=1%20', 'id_', 'k1', 'x%3D', 'Authorization%3A%20Bearer%20']) {
      expect(maskSecrets(`${before}${key}`)).not.toContain(key);
    }
    expect(maskSecrets(`x-goog-api-key%3DAIza${alnum(35)}`)).toBe(`x-goog-api-key%3D${REDACTED}`);
    expect(maskSecrets(`1https://user:${alnum(12)}@proxy.local/`)).toBe(`1https://${REDACTED}@proxy.local/`);
    expect(maskSecrets('the task-0123456789abcdef is done')).toBe('the task-0123456789abcdef is done');
  });

  it('leaves ordinary text alone', () => {
    const text = 'Rate limit reached for gpt-4o on tokens per min (TPM): Limit 30000. Please try again in 1.31s.';
    expect(maskSecrets(text)).toBe(text);
  });
});

describe('maskDetails and isSecretFieldName', () => {
  it('masks secret fields by name and key-like strings at any depth, keeps other values', () => {
    const key = ['sk', 'ant', alnum(40)].join('-');
    const circular: Record<string, unknown> = { apiKey: key, nested: { note: `uses ${key}`, count: 3, list: [key, 1] }, password: '', err: new Error(`failed with ${key}`) };
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
