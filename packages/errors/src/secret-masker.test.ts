import { randomBytes } from 'node:crypto';
import { maskSecrets, REDACTED } from './mask';
import { createSecretMasker } from './secret-masker';
import { registerSecret, unregisterSecret } from './secret-registry';

const alnum = (n: number): string =>
  randomBytes(n * 2)
    .toString('base64')
    .replace(/[^A-Za-z0-9]/g, '')
    .slice(0, n)
    .padEnd(n, 'Q');

function streamed(chunks: readonly string[]): string {
  const masker = createSecretMasker();
  return chunks.map((c) => masker.write(c)).join('') + masker.end();
}

// keys built at run time: nothing credential-shaped is committed
const key = ['sk', 'proj', alnum(40)].join('-');
const opaque = alnum(24) + '7';
const texts: Array<[string, string]> = [
  ['a bare key in a sentence', `calling the API with ${key} now\n`],
  ['a Bearer value', `> GET /v1/models\n> Authorization: Bearer ${opaque}\n> Accept: */*\n`],
  ['a marker with spaces around its separator', `config: api_key = "${alnum(30)}1" loaded\n`],
  [
    'a PEM block',
    `key:\n-----BEGIN PRIVATE KEY-----\n${alnum(64)}\n${alnum(64)}\n${alnum(20)}==\n-----END PRIVATE KEY-----\ndone\n`,
  ],
  ['a URL with credentials', `connecting to postgres://app:${alnum(16)}@db.internal:5432/app ok\n`],
  ['a JSON log line', `{"level":"info","msg":"retry","headers":{"x-api-key":"${alnum(32)}9"}}\n`],
];

describe('createSecretMasker', () => {
  it.each(texts)(
    '%s split at every point into two chunks: the output is maskSecrets of the whole',
    (_name, text) => {
      const whole = maskSecrets(text);
      expect(whole).not.toBe(text);
      for (let split = 0; split <= text.length; split++) {
        const out = streamed([text.slice(0, split), text.slice(split)]);
        if (out !== whole)
          throw new Error(`split at ${split}: ${JSON.stringify(out)} != ${JSON.stringify(whole)}`);
      }
    },
  );

  it('a key arriving one character at a time is masked', () => {
    const text = `token ${key} and ${['gh', 'p_'].join('')}${alnum(36)} done`;
    expect(streamed([...text])).toBe(`token ${REDACTED} and ${REDACTED} done`);
  });

  it('passes text on as soon as it is safe, and holds back a key still arriving', () => {
    const masker = createSecretMasker();
    expect(masker.write('hello world ')).toBe('hello world ');
    expect(masker.write(`and ${key.slice(0, 10)}`)).toBe('and ');
    expect(masker.write(`${key.slice(10)} more`)).toBe(`${REDACTED} `);
    expect(masker.end()).toBe('more');
    expect(masker.end()).toBe('');
  });

  it('bounds what it holds back: a long run without whitespace is masked and passed on', () => {
    const masker = createSecretMasker({ maxPending: 1000 });
    const out = masker.write(`${key}${'x'.repeat(5000)}`);
    expect(out.length).toBeGreaterThan(0);
    expect(out).not.toContain(key);
    expect((out + masker.end()).length).toBeLessThan(5000 + key.length);
  });

  it('masks registered secrets across chunk boundaries', () => {
    const secret = `opaque-${alnum(12)}`;
    registerSecret(secret);
    try {
      expect(streamed([`the value ${secret.slice(0, 5)}`, `${secret.slice(5)} leaked?`])).toBe(
        `the value ${REDACTED} leaked?`,
      );
    } finally {
      unregisterSecret(secret);
    }
  });
});

describe('createSecretMasker: what the review found', () => {
  const value = `Sup3r${alnum(14)}`;
  it.each([
    ['DB_PASSWORD ', `= ${value} ok\n`],
    ['my password ', `: ${value} ok\n`],
    ['client_secret ', ` = ${value} ok\n`],
    ['the api ', `key is ${alnum(30)}7 ok\n`],
    ['the api key ', `is ${alnum(30)}7 ok\n`],
  ])('a marker word at the end of a chunk (%j) keeps its value masked', (first, second) => {
    const whole = maskSecrets(first + second);
    expect(whole).not.toBe(first + second);
    expect(streamed([first, second])).toBe(whole);
  });

  it('a forced cut in a long minified JSON run does not split a key', () => {
    const masker = createSecretMasker({ maxPending: 4096 });
    const members = Array.from({ length: 200 }, (_, i) => `"k${i}":"${alnum(20)}"`);
    members.splice(150, 0, `"note":"${key}"`);
    const json = `{${members.join(',')}}`;
    const out = masker.write(json) + masker.end();
    expect(out).not.toContain(key.slice(12, 30));
    expect(out).toBe(maskSecrets(json));
  });
});
