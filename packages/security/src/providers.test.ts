import { ConfigurationError } from '@localagent/errors';
import {
  assertProviderName,
  baseUrlEnvVar,
  isValidProviderName,
  PROVIDERS,
  providerOwningPrefix,
  resolveProvider,
} from './providers';

describe('PROVIDERS', () => {
  it('covers the required providers, each with its environment variables', () => {
    for (const name of [
      'openai',
      'anthropic',
      'gemini',
      'azure-openai',
      'mistral',
      'groq',
      'openrouter',
      'huggingface',
      'cohere',
      'deepseek',
      'xai',
    ]) {
      expect(PROVIDERS[name]?.envVars.length).toBeGreaterThan(0);
    }
    expect(PROVIDERS['gemini']?.envVars).toEqual(['GEMINI_API_KEY', 'GOOGLE_API_KEY']);
    expect(Object.isFrozen(PROVIDERS)).toBe(true);
  });

  it('validates custom names against ^[a-z0-9][a-z0-9_-]{0,63}$', () => {
    expect(isValidProviderName('my_llm-2')).toBe(true);
    for (const bad of ['', 'Upper', '-dash', 'a'.repeat(65), 'has space', '../x']) {
      expect(isValidProviderName(bad)).toBe(false);
      expect(() => assertProviderName(bad)).toThrow(ConfigurationError);
    }
  });

  it('gives unknown providers the conventional variable and generic checks', () => {
    const info = resolveProvider('my-llm');
    expect(info.envVars).toEqual(['MY_LLM_API_KEY']);
    expect(info.keyPattern).toBeUndefined();
    expect(baseUrlEnvVar('azure-openai')).toBe('LOCALAGENT_AZURE_OPENAI_BASE_URL');
  });

  it('merges providers declared in the config file, also over built-in ones', () => {
    const custom = resolveProvider('corp', {
      corp: {
        env: ['CORP_TOKEN'],
        base_url: 'http://127.0.0.1:1',
        auth: 'api-key',
        live_check_path: '/v2/me',
      },
    });
    expect(custom).toMatchObject({
      envVars: ['CORP_TOKEN'],
      baseUrl: 'http://127.0.0.1:1',
      auth: 'api-key',
      liveCheckPath: '/v2/me',
    });
    const openai = resolveProvider('openai', { openai: { base_url: 'http://127.0.0.1:2/v1' } });
    expect(openai).toMatchObject({ envVars: ['OPENAI_API_KEY'], baseUrl: 'http://127.0.0.1:2/v1' });
    expect(openai.keyPattern).toBe(PROVIDERS['openai']?.keyPattern);
    expect(resolveProvider('openai', { other: {} })).toBe(PROVIDERS['openai']);
    expect(() => resolveProvider('corp', { corp: { key_pattern: '([' } })).toThrow(
      /not a valid regular expression/,
    );
  });
});

describe('distinctive prefixes', () => {
  it('belong to one provider each: none is a prefix of another provider’s, and `sk-` is not one', () => {
    const all = Object.values(PROVIDERS).flatMap((p) =>
      (p.distinctivePrefixes ?? []).map((prefix) => ({ prefix, owner: p.name })),
    );
    expect(all.map((a) => a.prefix)).not.toContain('sk-');
    for (const a of all)
      for (const b of all)
        if (a.owner !== b.owner) expect(a.prefix.startsWith(b.prefix)).toBe(false);
    for (const { prefix, owner } of all) {
      expect(PROVIDERS[owner]?.publicPrefixes.some((p) => prefix.startsWith(p))).toBe(true);
      expect(providerOwningPrefix(prefix + 'x')?.name).toBe(owner);
    }
    expect(providerOwningPrefix('sk-' + 'a'.repeat(30))).toBeUndefined();
  });

  it('are checked for built-in providers only, unless the config gives the name its own key_pattern', () => {
    expect(resolveProvider('openai').refusesOtherProvidersKeys).toBe(true);
    expect(resolveProvider('corp').refusesOtherProvidersKeys).toBe(false);
    expect(resolveProvider('corp', { corp: {} }).refusesOtherProvidersKeys).toBe(false);
    expect(
      resolveProvider('openai', { openai: { base_url: 'http://x' } }).refusesOtherProvidersKeys,
    ).toBe(true);
    expect(
      resolveProvider('openai', { openai: { key_pattern: '.' } }).refusesOtherProvidersKeys,
    ).toBe(false);
  });
});
