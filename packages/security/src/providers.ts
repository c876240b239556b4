import { ConfigurationError } from '@localagent/errors';
import { PROVIDER_NAME_PATTERN, isValidProviderName } from './provider-name.js';

export { isValidProviderName };

/** How a provider's live check sends the key. */
export type ProviderAuthScheme = 'bearer' | 'x-api-key' | 'x-goog-api-key' | 'api-key';

export interface ProviderInfo {
  /** Registry name, e.g. `openai`. */
  readonly name: string;
  /** Human name for messages. */
  readonly displayName: string;
  /** Environment variables that override a stored key, in order of precedence. */
  readonly envVars: readonly string[];
  /** Expected key shape; `undefined` means only the generic checks apply. */
  readonly keyPattern?: RegExp;
  /** What the format check tells the user, without ever echoing the key. */
  readonly formatHint?: string;
  /** Public prefixes shown in fingerprints, longest first (`sk-proj-` before `sk-`). */
  readonly publicPrefixes: readonly string[];
  /**
   * Prefixes only this provider's keys carry (`sk-ant-`, not the `sk-` OpenAI and DeepSeek share):
   * a key with one of them, offered to another built-in provider, is refused naming this one.
   */
  readonly distinctivePrefixes?: readonly string[];
  /**
   * Whether the format check refuses keys carrying another built-in provider's distinctive prefix:
   * true for built-in providers, false for custom ones (a gateway may take OpenAI keys) and for a
   * built-in name the config gives its own `key_pattern`.
   */
  readonly refusesOtherProvidersKeys?: boolean;
  /** Base URL of the live check; `LOCALAGENT_<PROVIDER>_BASE_URL` overrides it. */
  readonly baseUrl?: string;
  /** Path of the cheapest authenticated GET, appended to the base URL. */
  readonly liveCheckPath: string;
  readonly auth: ProviderAuthScheme;
}

function provider(
  info: Omit<ProviderInfo, 'liveCheckPath' | 'auth' | 'publicPrefixes'> & Partial<ProviderInfo>,
): ProviderInfo {
  return Object.freeze({
    liveCheckPath: '/models',
    auth: 'bearer' as const,
    publicPrefixes: [],
    distinctivePrefixes: [],
    refusesOtherProvidersKeys: true,
    ...info,
  });
}

/**
 * The built-in providers. Key patterns are deliberately loose (providers change their key shapes):
 * they catch a pasted wrong value, not every malformed key; the live check is the real test.
 */
export const PROVIDERS: Readonly<Record<string, ProviderInfo>> = Object.freeze({
  openai: provider({
    name: 'openai',
    displayName: 'OpenAI',
    envVars: ['OPENAI_API_KEY'],
    keyPattern: /^sk-[A-Za-z0-9_-]{20,}$/,
    formatHint: 'starts with `sk-` followed by at least 20 letters, digits, `-` or `_`',
    publicPrefixes: ['sk-svcacct-', 'sk-admin-', 'sk-proj-', 'sk-'],
    distinctivePrefixes: ['sk-proj-', 'sk-svcacct-', 'sk-admin-'],
    baseUrl: 'https://api.openai.com/v1',
  }),
  anthropic: provider({
    name: 'anthropic',
    displayName: 'Anthropic',
    envVars: ['ANTHROPIC_API_KEY'],
    keyPattern: /^sk-ant-[A-Za-z0-9_-]{20,}$/,
    formatHint: 'starts with `sk-ant-` followed by at least 20 letters, digits, `-` or `_`',
    publicPrefixes: ['sk-ant-admin01-', 'sk-ant-api03-', 'sk-ant-'],
    distinctivePrefixes: ['sk-ant-'],
    baseUrl: 'https://api.anthropic.com/v1',
    auth: 'x-api-key',
  }),
  gemini: provider({
    name: 'gemini',
    displayName: 'Google Gemini',
    envVars: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
    keyPattern: /^AIza[0-9A-Za-z_-]{35}$/,
    formatHint: 'starts with `AIza` followed by 35 letters, digits, `-` or `_`',
    publicPrefixes: ['AIza'],
    distinctivePrefixes: ['AIza'],
    baseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    auth: 'x-goog-api-key',
  }),
  'azure-openai': provider({
    name: 'azure-openai',
    displayName: 'Azure OpenAI',
    envVars: ['AZURE_OPENAI_API_KEY'],
    keyPattern: /^[A-Za-z0-9]{32,128}$/,
    formatHint: '32 to 128 letters and digits',
    // per-resource endpoint: set LOCALAGENT_AZURE_OPENAI_BASE_URL (e.g. https://NAME.openai.azure.com/openai)
    liveCheckPath: '/models?api-version=2024-10-21',
    auth: 'api-key',
  }),
  mistral: provider({
    name: 'mistral',
    displayName: 'Mistral',
    envVars: ['MISTRAL_API_KEY'],
    keyPattern: /^[A-Za-z0-9]{32}$/,
    formatHint: '32 letters and digits',
    baseUrl: 'https://api.mistral.ai/v1',
  }),
  groq: provider({
    name: 'groq',
    displayName: 'Groq',
    envVars: ['GROQ_API_KEY'],
    keyPattern: /^gsk_[A-Za-z0-9]{20,}$/,
    formatHint: 'starts with `gsk_` followed by at least 20 letters and digits',
    publicPrefixes: ['gsk_'],
    distinctivePrefixes: ['gsk_'],
    baseUrl: 'https://api.groq.com/openai/v1',
  }),
  openrouter: provider({
    name: 'openrouter',
    displayName: 'OpenRouter',
    envVars: ['OPENROUTER_API_KEY'],
    keyPattern: /^sk-or-[A-Za-z0-9_-]{20,}$/,
    formatHint: 'starts with `sk-or-` followed by at least 20 letters, digits, `-` or `_`',
    publicPrefixes: ['sk-or-v1-', 'sk-or-'],
    distinctivePrefixes: ['sk-or-'],
    baseUrl: 'https://openrouter.ai/api/v1',
    // /models is public on OpenRouter; /key needs a valid key
    liveCheckPath: '/key',
  }),
  huggingface: provider({
    name: 'huggingface',
    displayName: 'Hugging Face',
    envVars: ['HF_TOKEN', 'HUGGING_FACE_HUB_TOKEN', 'HUGGINGFACE_API_KEY'],
    keyPattern: /^hf_[A-Za-z0-9]{30,}$/,
    formatHint: 'starts with `hf_` followed by at least 30 letters and digits',
    publicPrefixes: ['hf_'],
    distinctivePrefixes: ['hf_'],
    baseUrl: 'https://huggingface.co/api',
    liveCheckPath: '/whoami-v2',
  }),
  cohere: provider({
    name: 'cohere',
    displayName: 'Cohere',
    envVars: ['COHERE_API_KEY', 'CO_API_KEY'],
    keyPattern: /^[A-Za-z0-9]{40}$/,
    formatHint: '40 letters and digits',
    baseUrl: 'https://api.cohere.com/v1',
  }),
  deepseek: provider({
    name: 'deepseek',
    displayName: 'DeepSeek',
    envVars: ['DEEPSEEK_API_KEY'],
    keyPattern: /^sk-[A-Za-z0-9]{20,}$/,
    formatHint: 'starts with `sk-` followed by at least 20 letters and digits',
    publicPrefixes: ['sk-'],
    baseUrl: 'https://api.deepseek.com',
  }),
  xai: provider({
    name: 'xai',
    displayName: 'xAI',
    envVars: ['XAI_API_KEY'],
    keyPattern: /^xai-[A-Za-z0-9]{20,}$/,
    formatHint: 'starts with `xai-` followed by at least 20 letters and digits',
    publicPrefixes: ['xai-'],
    distinctivePrefixes: ['xai-'],
    baseUrl: 'https://api.x.ai/v1',
  }),
});

/** A custom provider as the config file's `security.providers` section declares it. */
export interface CustomProviderConfig {
  env?: string[] | undefined;
  key_pattern?: string | undefined;
  base_url?: string | undefined;
  live_check_path?: string | undefined;
  auth?: ProviderAuthScheme | undefined;
}

export function assertProviderName(name: string): void {
  if (typeof name !== 'string' || !isValidProviderName(name)) {
    throw new ConfigurationError({
      message: `Invalid provider name: it must match ${PROVIDER_NAME_PATTERN.source} (lower-case letters, digits, '-' and '_', at most 64 characters).`,
      details: { allowed: Object.keys(PROVIDERS) },
      suggestion: `Use a built-in provider (${Object.keys(PROVIDERS).join(', ')}) or a custom name such as \`my-provider\`.`,
    });
  }
}

/** The conventional variable of a provider without a declared one: `my-llm` → `MY_LLM_API_KEY`. */
export function providerEnvStem(name: string): string {
  return name.toUpperCase().replace(/-/g, '_');
}

/** `LOCALAGENT_<PROVIDER>_BASE_URL`, the live check's base URL override. */
export function baseUrlEnvVar(name: string): string {
  return `LOCALAGENT_${providerEnvStem(name)}_BASE_URL`;
}

/** The built-in provider whose distinctive prefix `key` carries, if any. */
export function providerOwningPrefix(key: string): ProviderInfo | undefined {
  return Object.values(PROVIDERS).find((info) =>
    (info.distinctivePrefixes ?? []).some((prefix) => key.startsWith(prefix)),
  );
}

/** Resolves a provider: built-in, declared in the config file, or a valid custom name with generic checks. */
export function resolveProvider(
  name: string,
  custom: Readonly<Record<string, CustomProviderConfig>> = {},
): ProviderInfo {
  assertProviderName(name);
  const declared = Object.prototype.hasOwnProperty.call(custom, name) ? custom[name] : undefined;
  const builtIn = Object.prototype.hasOwnProperty.call(PROVIDERS, name)
    ? PROVIDERS[name]
    : undefined;
  if (declared === undefined && builtIn !== undefined) return builtIn;
  const base: ProviderInfo =
    builtIn ??
    provider({
      name,
      displayName: name,
      envVars: [`${providerEnvStem(name)}_API_KEY`],
      refusesOtherProvidersKeys: false,
    });
  if (declared === undefined) return base;
  let keyPattern = base.keyPattern;
  if (declared.key_pattern !== undefined) {
    try {
      // eslint-disable-next-line security/detect-non-literal-regexp -- the user's own config file, validated by the schema
      keyPattern = new RegExp(declared.key_pattern);
    } catch (cause) {
      throw new ConfigurationError({
        message: `security.providers.${name}.key_pattern is not a valid regular expression.`,
        cause,
      });
    }
  }
  return provider({
    ...base,
    envVars: declared.env ?? base.envVars,
    ...(keyPattern === undefined
      ? {}
      : {
          keyPattern,
          formatHint: `matches the pattern configured in security.providers.${name}.key_pattern`,
        }),
    // the config's own pattern says which keys this provider takes, another provider's included
    ...(declared.key_pattern === undefined ? {} : { refusesOtherProvidersKeys: false }),
    ...(declared.base_url === undefined ? {} : { baseUrl: declared.base_url }),
    ...(declared.live_check_path === undefined ? {} : { liveCheckPath: declared.live_check_path }),
    ...(declared.auth === undefined ? {} : { auth: declared.auth }),
  });
}
