import { createResilientFetch } from '@localagent/resilience';
import { SecureKeyManager } from '@localagent/security';
import { storageModeOf } from '@localagent/security/config';
import type { CliContext } from '../context.js';
import type { StorageMode } from '../global-options.js';

export interface KeyManagerOptions {
  storage: StorageMode | undefined;
  /** The provider whose key a `--validate live` check will call: its requests go through the registry's policy. */
  liveCheckProvider: string | undefined;
  masterPassword: () => Promise<string>;
}

/**
 * The run's key manager: the CLI's config dir, env, logger and master-password prompt; the live key
 * check's fetch is the resilience registry's, so its retries and breaker state carry over between runs.
 */
export async function createKeyManager(
  ctx: CliContext,
  options: KeyManagerOptions,
): Promise<SecureKeyManager> {
  const logger = ctx.logger();
  const config = ctx.config().sections.security;
  logger.debug('opening the key store', {
    configDir: ctx.paths.configDir,
    storage: options.storage ?? ctx.env['LOCALAGENT_STORAGE'] ?? storageModeOf(config),
  });
  return SecureKeyManager.create({
    configDir: ctx.paths.configDir,
    config,
    ...(options.storage === undefined ? {} : { storage: options.storage }),
    env: ctx.env,
    logger,
    masterPassword: options.masterPassword,
    ...(options.liveCheckProvider === undefined
      ? {}
      : {
          fetch: createResilientFetch({
            registry: ctx.registry(),
            provider: options.liveCheckProvider,
          }),
        }),
  });
}
