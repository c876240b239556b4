import { ConfigurationError, fromHttpResponse } from '@localagent/errors';
import { createPolicy } from '@localagent/resilience';
import { baseUrlEnvVar, type ProviderInfo } from './providers.js';
import type { Env } from '@localagent/config';

export interface LiveCheckOptions {
  provider: ProviderInfo;
  key: string;
  env: Env;
  /** config.yaml's `security.live_check.allowed_hosts`: `host` (any port) or `host:port`. */
  allowedHosts?: readonly string[] | undefined;
  fetch?: typeof fetch | undefined;
  timeoutMs?: number | undefined;
}

/** The code of every refusal to send a key (a host not allowed, plain http, a redirect). */
export const LIVE_CHECK_BLOCKED = 'LA_LIVE_CHECK_BLOCKED';

const ALLOWED_HOSTS_KEY = 'security.live_check.allowed_hosts';

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

/** `LOCALAGENT_<PROVIDER>_BASE_URL`, else the provider's base URL (built-in or config.yaml's). */
export function liveCheckUrl(provider: ProviderInfo, env: Env): string {
  const override = env[baseUrlEnvVar(provider.name)];
  const base = override !== undefined && override !== '' ? override : provider.baseUrl;
  if (base === undefined || !/^https?:\/\//.test(base) || !URL.canParse(base)) {
    throw new ConfigurationError({
      message: `No usable base URL for the live check of ${provider.displayName} keys.`,
      suggestion: `Set security.providers.${provider.name}.base_url in config.yaml (e.g. your endpoint's https URL), or store the key with validate: 'format' (\`--validate format\`).`,
      details: { provider: provider.name },
    });
  }
  return `${base.replace(/\/+$/, '')}${provider.liveCheckPath}`;
}

/** 127.0.0.0/8, ::1 and `localhost` (as `URL` spells hosts): the only hosts plain http may reach. */
export function isLoopbackHost(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const parts = hostname.split('.');
  return parts.length === 4 && parts[0] === '127' && parts.every((part) => /^\d{1,3}$/.test(part));
}

function effectivePort(url: URL): string {
  return url.port !== '' ? url.port : url.protocol === 'https:' ? '443' : '80';
}

/** `host` or `host:port` (IPv6 in brackets), normalised as URLs normalise hosts; undefined if malformed. */
function parseAllowedHost(
  entry: string,
): { hostname: string; port: string | undefined } | undefined {
  const text = entry.trim();
  const colon = text.lastIndexOf(':');
  const hasPort = colon > text.lastIndexOf(']') && /^\d{1,5}$/.test(text.slice(colon + 1));
  try {
    const { hostname, pathname, username } = new URL(
      `https://${hasPort ? text.slice(0, colon) : text}`,
    );
    if (pathname !== '/' || username !== '') return undefined;
    return { hostname, port: hasPort ? String(Number(text.slice(colon + 1))) : undefined };
  } catch {
    return undefined;
  }
}

function blocked(
  message: string,
  suggestion: string,
  details: Record<string, unknown>,
): ConfigurationError {
  return new ConfigurationError({ message, suggestion, code: LIVE_CHECK_BLOCKED, details });
}

/**
 * Where a key may go: https, or http to loopback only; and only to the host of the provider's own
 * base URL (built in, or `security.providers.<name>.base_url` in config.yaml) or to one listed in
 * `security.live_check.allowed_hosts`. An environment variable can choose among those, never add
 * one: whoever can set a variable for this process (a CI job, a `.env` file) cannot thereby receive
 * the key. Throws `ConfigurationError` (`LA_LIVE_CHECK_BLOCKED`) before anything is sent.
 */
export function assertLiveCheckTarget(
  provider: ProviderInfo,
  target: string,
  allowedHosts: readonly string[] = [],
): URL {
  const url = new URL(target);
  const host = url.host;
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) {
    throw blocked(
      `The live check of ${provider.displayName} keys was not sent: ${host} is reached over plain http, which only loopback hosts may use.`,
      `Use an https base URL for ${provider.name}, or store the key with validate: 'format' (\`--validate format\`).`,
      { provider: provider.name, host, reasonCode: 'insecure_url' },
    );
  }
  const own =
    provider.baseUrl !== undefined && URL.canParse(provider.baseUrl)
      ? new URL(provider.baseUrl)
      : undefined;
  const isOwnHost =
    own !== undefined && own.hostname === url.hostname && effectivePort(own) === effectivePort(url);
  const isListed = allowedHosts.some((entry) => {
    const allowed = parseAllowedHost(entry);
    return (
      allowed !== undefined &&
      allowed.hostname === url.hostname &&
      (allowed.port === undefined || allowed.port === effectivePort(url))
    );
  });
  if (!isOwnHost && !isListed) {
    throw blocked(
      `The live check of ${provider.displayName} keys was not sent: ${host} is neither the provider's own host nor listed in ${ALLOWED_HOSTS_KEY}.`,
      `If ${host} is yours, add it to ${ALLOWED_HOSTS_KEY} in config.yaml (e.g. \`allowed_hosts: ['${host}']\`); an environment variable alone cannot send a key to a new host.`,
      { provider: provider.name, host, reasonCode: 'host_not_allowed' },
    );
  }
  return url;
}

function isRedirect(response: Response): boolean {
  return response.redirected || (response.status >= 300 && response.status < 400);
}

/** The host a redirect points to, for the message (never the whole Location: it may carry a key). */
function redirectHost(response: Response, from: URL): string {
  const location = response.headers.get('location');
  if (response.redirected && response.url !== '' && URL.canParse(response.url))
    return new URL(response.url).host;
  if (location === null || !URL.canParse(location, from)) return 'an unknown location';
  return new URL(location, from).host;
}

/**
 * Calls the provider's cheapest authenticated endpoint (`GET {baseUrl}/models` for most) through a
 * @localagent/resilience policy: a transient failure (network, 429, 5xx) gets one more attempt
 * (none when `fetch` is injected: it brings its own retries), a 401 none. Resolves when the provider
 * accepts the key; otherwise rejects with the classified error: `AuthenticationError` for 401/403,
 * `NetworkError` when the provider cannot be reached. The target is checked first
 * ({@link assertLiveCheckTarget}); redirects are not followed (fetch would carry `x-api-key` and the
 * like to the next host), so a 3xx fails with `LA_LIVE_CHECK_BLOCKED`.
 */
export async function checkKeyLive(options: LiveCheckOptions): Promise<void> {
  const { provider } = options;
  const url = assertLiveCheckTarget(
    provider,
    liveCheckUrl(provider, options.env),
    options.allowedHosts,
  );
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
  const response = await policy.execute(async ({ signal }) => {
    const answer = await doFetch(url.href, {
      method: 'GET',
      headers: { accept: 'application/json', ...authHeaders(provider, options.key) },
      redirect: 'manual',
      signal,
    });
    if (answer.ok || isRedirect(answer)) {
      await answer.body?.cancel().catch(() => undefined);
      return answer;
    }
    const body = await answer.text().catch(() => '');
    throw fromHttpResponse({
      provider: provider.name,
      status: answer.status,
      headers: answer.headers,
      body,
    });
  });
  // an injected fetch that follows redirects anyway reports it in `redirected`: its 200 proves nothing
  if (isRedirect(response)) {
    const to = redirectHost(response, url);
    throw blocked(
      `The live check of ${provider.displayName} keys was answered by ${url.host} with a redirect (HTTP ${response.status}) to ${to}; redirects are not followed, so the key was not sent there and is not counted as valid.`,
      `Point the base URL of ${provider.name} at the final address (config.yaml security.providers.${provider.name}.base_url, allowed in ${ALLOWED_HOSTS_KEY} if it is another host).`,
      {
        provider: provider.name,
        host: url.host,
        redirectHost: to,
        status: response.status,
        reasonCode: 'redirect',
      },
    );
  }
}
