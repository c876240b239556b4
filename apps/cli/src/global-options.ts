import { maskSecrets } from '@localagent/errors';
import { LOG_FORMATS, LOG_LEVELS, type LogFormat, type LogLevel } from '@localagent/logging/config';
import {
  BUILT_IN_PROVIDERS,
  PROVIDER_NAME_PATTERN,
  STORAGE_MODES,
  VALIDATION_MODES,
  type StorageMode,
  type ValidationMode,
} from '@localagent/security/config';
import { KeyInArgvError, UsageError } from './cli-errors.js';

/** Options accepted by every command, before or after it. */
export interface GlobalOptions {
  configDir?: string | undefined;
  json: boolean;
  debug: boolean;
  logLevel?: LogLevel | undefined;
  logFormat?: LogFormat | undefined;
  quiet: boolean;
}

// one source per list: the packages that own them (side-effect-free subpaths: no winston, no key store)
export {
  LOG_FORMATS,
  LOG_LEVELS,
  STORAGE_MODES,
  VALIDATION_MODES,
  type StorageMode,
  type ValidationMode,
};

/** Checks that `value` is one of `allowed`, naming the option and the allowed values otherwise. */
export function oneOf<T extends string>(option: string, value: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new UsageError({
    message: `Invalid value for ${option}: "${value}". Allowed: ${allowed.join(', ')}.`,
  });
}

/** `LOCALAGENT_DEBUG=1` is the environment's `--debug`. */
export function isDebug(flag: boolean, env: Record<string, string | undefined>): boolean {
  return flag || env['LOCALAGENT_DEBUG'] === '1' || env['LOCALAGENT_DEBUG'] === 'true';
}

// 32+ letters and digits with no separator is a key (hex or base62), not a provider's name
const KEY_LIKE = /^[a-z0-9]{32,}$/;

/** A provider name is a short lowercase identifier (`openai`, `azure-openai`, `my_proxy`). */
export function checkProviderName(provider: string): string {
  // a key pasted where the provider goes would otherwise reach the audit log as a provider name
  if (maskSecrets(provider) !== provider || KEY_LIKE.test(provider))
    throw new KeyInArgvError('<provider>');
  if (PROVIDER_NAME_PATTERN.test(provider)) return provider;
  throw new UsageError({
    message: `Invalid provider name "${provider.length > 24 ? `${provider.slice(0, 4)}…` : provider}": use lowercase letters, digits, "-" and "_" (at most 64 characters).`,
    suggestion: `Built-in names: ${BUILT_IN_PROVIDERS.join(', ')}; run \`localagent config list-keys\` to see yours.`,
  });
}

/** Positional arguments after `<provider>` can only be a key pasted on the command line: refuse them. */
export function refuseExtraArguments(provider: string, extra: readonly string[]): void {
  if (extra.length === 0) return;
  // Deliberately not echoed: the extra argument is most likely the key itself.
  throw new KeyInArgvError(provider);
}
