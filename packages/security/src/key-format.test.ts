import { InvalidKeyError } from '@localagent/errors';
import { fakeKeys } from '../test/support/fixtures';
import {
  checkKey,
  fingerprint,
  MAX_KEY_LENGTH,
  normalizeKey,
  validateKeyFormat,
} from './key-format';
import { PROVIDERS, resolveProvider } from './providers';

describe('validateKeyFormat', () => {
  it('accepts a well-formed key of each provider that has a format, and returns it normalized', () => {
    const samples: Record<string, string> = {
      openai: fakeKeys.openai(),
      anthropic: fakeKeys.anthropic(),
      gemini: fakeKeys.gemini(),
      'azure-openai': 'a'.repeat(32),
      mistral: 'M'.repeat(32),
      groq: fakeKeys.groq(),
      openrouter: ['sk', 'or', 'v1', 'e'.repeat(64)].join('-'),
      huggingface: 'hf_' + 'H'.repeat(34),
      cohere: 'C'.repeat(40),
      deepseek: 'sk-' + 'f'.repeat(32),
      xai: 'xai-' + 'X'.repeat(40),
    };
    expect(Object.keys(samples).sort()).toEqual(Object.keys(PROVIDERS).sort());
    for (const [provider, key] of Object.entries(samples)) {
      expect(validateKeyFormat(provider, key)).toBe(key);
      expect(validateKeyFormat(provider, `${key}\n`)).toBe(key);
    }
  });

  it('trims exactly one trailing newline and nothing else', () => {
    expect(normalizeKey('abc\n')).toBe('abc');
    expect(normalizeKey('abc\r\n')).toBe('abc');
    expect(normalizeKey('abc\n\n')).toBe('abc\n');
    expect(normalizeKey(' abc')).toBe(' abc');
  });

  it.each([
    ['empty', '', /is empty/],
    ['only a newline', '\n', /is empty/],
    ['whitespace', '   ', /only whitespace/],
    ['an inner space', 'sk-proj-AAAA AAAAAAAAAAAAAAAAAAAAAAA', /whitespace/],
    ['a tab', 'sk-proj-AAAA\tAAAAAAAAAAAAAAAAAAAAAAA', /whitespace/],
    ['a control character', 'sk-proj-AAAA\u0007AAAAAAAAAAAAAAAAAAAAAAA', /control characters/],
    ['non-ASCII', 'sk-proj-AAAAÄAAAAAAAAAAAAAAAAAAAAAAA', /printable ASCII/],
    ['over-long input', 'sk-' + 'a'.repeat(MAX_KEY_LENGTH), /longer than/],
    [
      'the wrong provider format',
      ['sk', 'ant', 'B'.repeat(30)].join('-').replace('sk-', 'xx-'),
      /expected format/,
    ],
  ])('rejects %s with InvalidKeyError that never echoes the key', (_label, key, message) => {
    let caught: unknown;
    try {
      validateKeyFormat('openai', key);
    } catch (error) {
      caught = error;
    }
    expect(InvalidKeyError.isInstance(caught)).toBe(true);
    const error = caught as InvalidKeyError;
    expect(error.message).toMatch(message);
    expect(error.code).toBe('LA_KEY_INVALID');
    if (key.trim().length > 4) {
      expect(JSON.stringify(error.toJSON({ stack: true }))).not.toContain(key.trim().slice(4, 20));
    }
  });

  it('rejects non-strings', () => {
    expect(() => validateKeyFormat('openai', 42 as unknown as string)).toThrow(/not a string/);
  });

  it('applies only the generic checks to custom providers (or a configured pattern)', () => {
    expect(validateKeyFormat('my-llm', 'anything-goes-123')).toBe('anything-goes-123');
    expect(() => validateKeyFormat('my-llm', 'has space')).toThrow(/whitespace/);
    expect(() =>
      validateKeyFormat('my-llm', 'short', { 'my-llm': { key_pattern: '^ml-[a-z]{10}$' } }),
    ).toThrow(/key_pattern/);
    expect(
      validateKeyFormat('my-llm', 'ml-abcdefghij', { 'my-llm': { key_pattern: '^ml-[a-z]{10}$' } }),
    ).toBe('ml-abcdefghij');
    expect(checkKey(resolveProvider('openai'), 'not-an-openai-key', false)).toBe(
      'not-an-openai-key',
    );
  });
});

describe('keys of another provider (finding 6)', () => {
  const caught = (run: () => unknown): InvalidKeyError => {
    try {
      run();
    } catch (error) {
      expect(InvalidKeyError.isInstance(error)).toBe(true);
      return error as InvalidKeyError;
    }
    throw new Error('expected an InvalidKeyError');
  };

  it('refuses an Anthropic key offered as an OpenAI key, naming Anthropic, without echoing it', () => {
    const key = fakeKeys.anthropic();
    const error = caught(() => validateKeyFormat('openai', key));
    expect(error.message).toBe('The OpenAI key starts with a prefix only Anthropic keys have.');
    expect(error.suggestion).toBe(
      'This looks like an Anthropic key: store it with `localagent config set-key anthropic`.',
    );
    expect(JSON.stringify(error.toJSON({ stack: true }))).not.toContain(key.slice(7, 30));
  });

  it('refuses every distinctive prefix for every other built-in provider', () => {
    const owners = Object.values(PROVIDERS).filter((p) => (p.distinctivePrefixes ?? []).length > 0);
    expect(owners.map((p) => p.name).sort()).toEqual(
      ['anthropic', 'gemini', 'groq', 'huggingface', 'openai', 'openrouter', 'xai'].sort(),
    );
    for (const owner of owners) {
      for (const prefix of owner.distinctivePrefixes ?? []) {
        const key = prefix + 'Aa0'.repeat(14);
        for (const target of Object.keys(PROVIDERS)) {
          if (target === owner.name) continue;
          const error = caught(() => validateKeyFormat(target, key));
          expect(error.suggestion).toContain(`set-key ${owner.name}\``);
        }
      }
    }
    expect(caught(() => validateKeyFormat('deepseek', fakeKeys.openai())).suggestion).toBe(
      'This looks like an OpenAI key: store it with `localagent config set-key openai`.',
    );
    expect(caught(() => validateKeyFormat('openai', 'xai-' + 'X'.repeat(40))).suggestion).toMatch(
      /^This looks like an xAI key/,
    );
  });

  it('accepts the shared `sk-` prefix for OpenAI and DeepSeek alike', () => {
    const key = 'sk-' + 'f'.repeat(32);
    expect(validateKeyFormat('openai', key)).toBe(key);
    expect(validateKeyFormat('deepseek', key)).toBe(key);
  });

  it('does not refuse with validation `none`, for custom providers, or where the config sets a key_pattern', () => {
    const key = fakeKeys.anthropic();
    expect(checkKey(resolveProvider('openai'), key, false)).toBe(key);
    expect(validateKeyFormat('my-gateway', key)).toBe(key);
    expect(validateKeyFormat('my-gateway', key, { 'my-gateway': { env: ['GW_KEY'] } })).toBe(key);
    expect(validateKeyFormat('openai', key, { openai: { key_pattern: '^sk-' } })).toBe(key);
    // a built-in name redeclared without a pattern keeps the check
    const error = caught(() =>
      validateKeyFormat('openai', key, { openai: { base_url: 'http://127.0.0.1:1/v1' } }),
    );
    expect(error.suggestion).toMatch(/set-key anthropic/);
  });
});

describe('fingerprint', () => {
  it('shows the public prefix and the last 4 characters, never more', () => {
    const key = ['sk', 'proj', 'A'.repeat(20) + 'a1b2'].join('-');
    expect(fingerprint(resolveProvider('openai'), key)).toBe('sk-proj-…a1b2');
    expect(
      fingerprint(
        resolveProvider('anthropic'),
        ['sk', 'ant', 'api03', 'Z'.repeat(24) + 'wxyz'].join('-'),
      ),
    ).toBe('sk-ant-api03-…wxyz');
    expect(fingerprint(resolveProvider('mistral'), 'M'.repeat(28) + 'q9q9')).toBe('…q9q9');
    expect(fingerprint(resolveProvider('my-llm'), 'short-key')).toBe('…');
  });
});
