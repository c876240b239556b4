import { ConfigurationError, fromHttpResponse } from '@localagent/errors';
import { createPolicy } from '@localagent/resilience';
import { baseUrlEnvVar, type ProviderInfo } from './providers.js';
import type { Env } from '@localagent/config';

export interface LiveCheckOptions {
  provider: ProviderInfo;
  key: string;
  env: Env;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
}

/** The headers that authenticate `key` with the provider. */
export function authHeaders(provider: ProviderInfo, key: string): Record<string, string> {
  switch (provider.auth) {
    case 'x-api-key':
      return { 'x-api-key': key, 'anthropic-version': '2023-06-01' };
    case 'x-goog-api-key':
      return { 'x-goog-api-key': key };
    case 'api-key':
      return { 'api-key': key };
    default:
      return { authorization: `Bearer ${key}` };
  }
}

/** `LOCALAGENT_<PROVIDER>_BASE_URL`, else the provider's default base URL. */
export function liveCheckUrl(provider: ProviderInfo, env: Env): string {
  const override = env[baseUrlEnvVar(provider.name)];
  const base = override !== undefined && override !== '' ? override : provider.baseUrl;
  if (base === undefined || !/^https?:\/\//.test(base)) {
    throw new ConfigurationError({
      message: `No usable base URL for the live check of ${provider.displayName} keys.`,
      suggestion: `Set ${baseUrlEnvVar(provider.name)} (e.g. your endpoint's URL), or store the key with validate: 'format' (\`--validate format\`).`,
      details: { provider: provider.name },
    });
  }
  return `${base.replace(/\/+$/, '')}${provider.liveCheckPath}`;
}

/**
 * Calls the provider's cheapest authenticated endpoint (`GET {baseUrl}/models` for most) through a
 * @localagent/resilience policy: a transient failure (network, 429, 5xx) gets one more attempt
 * (none when `fetch` is injected: it brings its own retries), a 401 none. Resolves when the provider accepts the key; otherwise rejects with the classified
 * error: `AuthenticationError` for 401/403, `NetworkError` when the provider cannot be reached.
 */
export async function checkKeyLive(options: LiveCheckOptions): Promise<void> {
  const { provider } = options;
  const url = liveCheckUrl(provider, options.env);
  const doFetch = options.fetch ?? fetch;
  // no breaker: one interactive check says nothing lasting about the provider's health. An injected
  // fetch (the CLI passes createResilientFetch) owns the retries: ours would multiply with its own.
  const policy = createPolicy({
    provider: provider.name,
    retry: {
      maxAttempts: options.fetch === undefined ? 2 : 1,
      baseDelayMs: 250,
      maxDelayMs: 2_000,
    },
    circuitBreaker: false,
    timeoutMs: options.timeoutMs ?? 10_000,
  });
  await policy.execute(async ({ signal }) => {
    const response = await doFetch(url, {
      method: 'GET',
      headers: { accept: 'application/json', ...authHeaders(provider, options.key) },
      signal,
    });
    if (response.ok) {
      await response.body?.cancel().catch(() => undefined);
      return;
    }
    const body = await response.text().catch(() => '');
    throw fromHttpResponse({
      provider: provider.name,
      status: response.status,
      headers: response.headers,
      body,
    });
  });
}
