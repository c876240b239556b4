import { REDACTED, registerSecret, unregisterSecret } from '@localagent/errors';
import { Redactor, redact } from './redact';

const fake = {
  openai: () => ['sk', 'A'.repeat(20) + 'b1'].join('-'),
  openaiProject: () => ['sk', 'proj', 'C'.repeat(40)].join('-'),
  anthropic: () => ['sk', 'ant', 'api03', 'D'.repeat(40)].join('-'),
  google: () => 'AI' + 'za' + 'E'.repeat(35),
  github: () => 'gh' + 'p_' + 'F'.repeat(36),
  githubPat: () => 'github' + '_pat_' + 'G'.repeat(30),
  slack: () => ['xo' + 'xe', '1234567890', 'abcdef'].join('-'),
  aws: () => 'AK' + 'IA' + 'H'.repeat(16),
  jwt: () => ['ey' + 'JhbGciOiJIUzI1NiJ9', 'eyJzdWIiOiIxMjM0NTY3ODkwIn0', 'abcdefghij'].join('.'),
};

describe('redact()', () => {
  it.each(Object.entries(fake))('masks a %s key inside text', (_kind, make) => {
    const key = make();
    const out = redact(`before ${key} after`);
    expect(out).toBe(`before ${REDACTED} after`);
  });

  it('masks Bearer values and user:pass@ in URLs, keeping what they were', () => {
    expect(redact(`Authorization: Bearer ${'t'.repeat(30)}`)).toBe(
      `Authorization: Bearer ${REDACTED}`,
    );
    const credentials = ['admin', 'hunter2'].join(':');
    expect(redact(`postgres://${credentials}@db:5432/app`)).toBe(
      `postgres://${REDACTED}@db:5432/app`,
    );
  });

  it('masks the password of a URL that follows an auth scheme word (the Bearer rule once ran first and kept it)', () => {
    const password = `S3cret${'x'.repeat(12)}`;
    const out = redact(`token mongodb+srv://app:${password}@cluster0.example.net/db`);
    expect(out).not.toContain(password);
    expect(out).toBe(`token mongodb+srv://${REDACTED}@cluster0.example.net/db`);
  });

  it('leaves ordinary text alone and returns the same object when nothing changes', () => {
    const value = {
      a: 'risk-assessment for task-manager',
      tokens: 5,
      maxTokens: 10,
      nested: [{ b: 'ok' }],
    };
    expect(redact(value)).toBe(value);
    expect(redact('plain')).toBe('plain');
  });

  it('masks values of secret-looking field names at any depth, whatever their case', () => {
    const out = redact({
      password: 'p',
      API_KEY: 'k',
      apiKey: 'k',
      'x-api-key': 'k',
      openaiApiKey: 'k',
      accessToken: 't',
      Cookie: 'c',
      deep: { list: [{ client_secret: 's', tokens: 3, auth: true, session_id: 'abc' }] },
      empty: { password: '' },
    });
    expect(out).toEqual({
      password: REDACTED,
      API_KEY: REDACTED,
      apiKey: REDACTED,
      'x-api-key': REDACTED,
      openaiApiKey: REDACTED,
      accessToken: REDACTED,
      Cookie: REDACTED,
      deep: { list: [{ client_secret: REDACTED, tokens: 3, auth: true, session_id: REDACTED }] },
      empty: { password: '' },
    });
  });

  it('is copy-on-write: the input is never mutated, unchanged branches are shared', () => {
    const shared = { ok: 'fine' };
    const input = Object.freeze({ shared, secret: 'x', list: Object.freeze(['a', fake.openai()]) });
    const out = redact(input) as unknown as { shared: object; secret: string; list: string[] };
    expect(out).not.toBe(input);
    expect(out.shared).toBe(shared);
    expect(out.list).toEqual(['a', REDACTED]);
    expect(input.list[1]).toBe(fake.openai());
  });

  it('handles cycles, shared references, errors, toJSON, bigint and deep nesting', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    const shared = { v: 1 };
    let deep: Record<string, unknown> = { end: true };
    for (let i = 0; i < 20; i++) deep = { deep };
    const out = redact({
      cyclic,
      a: shared,
      b: shared,
      error: new Error(`failed with ${fake.github()}`),
      url: new URL(`https://${['user', 'secretpass'].join(':')}@example.test/path`),
      big: 10n,
      deep,
    }) as Record<string, unknown>;
    expect(out.cyclic).toEqual({ name: 'loop', self: '[Circular]' });
    expect(out.a).toBe(shared);
    expect(out.b).toBe(shared);
    expect(out.error).toEqual({
      name: 'Error',
      code: 'LA_INTERNAL',
      category: 'system',
      message: `failed with ${REDACTED}`,
    });
    expect(out.url).toBe(`https://${REDACTED}@example.test/path`);
    expect(out.big).toBe('10');
    expect(JSON.stringify(out.deep)).toContain('[Truncated]');
  });

  it('masks secrets used as object keys', () => {
    const key = fake.anthropic();
    expect(redact({ [key]: 1 })).toEqual({ [REDACTED]: 1 });
  });
});

describe('registered secrets', () => {
  const unknownFormat = 'kq7-ZZ.unknown.format.value';
  afterEach(() => {
    unregisterSecret(unknownFormat);
    unregisterSecret(unknownFormat);
  });

  it('masks an exact value of unknown format, embedded or percent-encoded', () => {
    expect(redact(`x${unknownFormat}y`)).toBe(`x${unknownFormat}y`);
    registerSecret(unknownFormat);
    expect(redact(`x${unknownFormat}y`)).toBe(`x${REDACTED}y`);
    expect(redact({ note: [`a ${unknownFormat}`] })).toEqual({ note: [`a ${REDACTED}`] });
    registerSecret('with space/and+plus');
    expect(redact(`?q=${encodeURIComponent('with space/and+plus')}`)).toBe(`?q=${REDACTED}`);
    unregisterSecret('with space/and+plus');
  });

  it('unregisters after as many calls as registrations; ignores values too short to be keys', () => {
    registerSecret(unknownFormat);
    registerSecret(unknownFormat);
    unregisterSecret(unknownFormat);
    expect(redact(unknownFormat)).toBe(REDACTED);
    unregisterSecret(unknownFormat);
    expect(redact(unknownFormat)).toBe(unknownFormat);
    registerSecret('abc');
    expect(redact('abc')).toBe('abc');
    unregisterSecret('never-registered');
  });

  it('masks the longest registered value when values overlap', () => {
    registerSecret('overlap-secret');
    registerSecret('overlap-secret-longer');
    try {
      expect(redact('overlap-secret-longer!')).toBe(`${REDACTED}!`);
    } finally {
      unregisterSecret('overlap-secret');
      unregisterSecret('overlap-secret-longer');
    }
  });
});

describe('Redactor with user rules', () => {
  it('adds keys (case-insensitive) and patterns (with or without the g flag)', () => {
    const redactor = new Redactor({ keys: ['CustomerRef'], patterns: [/acct-\d+/, /ssn:\d{3}/gi] });
    expect(redactor.value({ customerref: 'c1', text: 'acct-1 and acct-2, SSN:123' })).toEqual({
      customerref: REDACTED,
      text: `${REDACTED} and ${REDACTED}, ${REDACTED}`,
    });
    expect(redactor.isSecretKey('customerRef')).toBe(true);
    expect(redactor.isSecretKey('customer')).toBe(false);
  });
});

describe('authorization values', () => {
  it('masks a whole base64 value with = padding (maskSecrets alone keeps it)', () => {
    const token = 'QWxhZGRpbjpvcGVuIHNlc2FtZQ==';
    expect(redact(`Authorization: Basic ${token}`)).toBe(`Authorization: Basic ${REDACTED}`);
    expect(redact(`bearer ${'A'.repeat(15)}=`)).toBe(`bearer ${REDACTED}`);
  });
});

describe('long text', () => {
  it('masks keys anywhere in text longer than a masking window, and keeps the rest', () => {
    const keys = [fake.openai(), fake.github(), fake.aws(), fake.jwt()];
    const words = Array.from({ length: 3_000 }, (_, i) => `word${i}`);
    keys.forEach((key, i) => words.splice(700 * (i + 1), 0, key));
    const text = words.join(' ');
    const out = redact(text);
    for (const key of keys) expect(out).not.toContain(key);
    expect(out.split(' ').filter((w) => w === REDACTED)).toHaveLength(4);
    expect(out.replaceAll(` ${REDACTED}`, '')).toBe(
      words.filter((w) => !keys.includes(w)).join(' '),
    );
  });

  it('masks a key inside a long run without whitespace, and keeps the rest of the run', () => {
    const blob = `${'a'.repeat(3_000)}/${fake.anthropic()}/${'b'.repeat(3_000)}`;
    expect(redact(`start ${blob} end`)).toBe(
      `start ${'a'.repeat(3_000)}/${REDACTED}/${'b'.repeat(3_000)} end`,
    );
    const clean = 'c'.repeat(5_000);
    expect(redact(`${clean} ${fake.openai()}`)).toBe(`${clean} ${REDACTED}`);
  });

  it('stays linear on inputs that make credential patterns backtrack', () => {
    // each of these took seconds to minutes with the patterns applied to the whole string
    const n = 200_000;
    for (const text of [
      'sk-'.repeat(n / 3),
      'eyJaaaaa.'.repeat(n / 9),
      `://${':'.repeat(n)}`,
      `${'a.b '.repeat(n / 4)}sk-${'x'.repeat(20)}`,
    ]) {
      expect(typeof redact(text)).toBe('string');
    }
  });
});
