import { KeyNotFoundError } from '@localagent/errors';
import { PROVIDERS, type KeyInfo, type SecureKeyManager } from '@localagent/security';
import type { CliContext } from '../../context.js';

/** The listing entry for one provider (env first, as it wins), or undefined. */
export async function keyInfo(manager: Pick<SecureKeyManager, 'listKeys'>, provider: string): Promise<KeyInfo | undefined> {
  const entries = (await manager.listKeys()).filter((entry) => entry.provider === provider);
  return entries.find((entry) => entry.source === 'env') ?? entries[0];
}

/** The stored (not env) entry for one provider; KeyNotFoundError when there is none. */
export async function storedKeyInfo(manager: Pick<SecureKeyManager, 'listKeys'>, provider: string): Promise<KeyInfo> {
  const entries = (await manager.listKeys()).filter((entry) => entry.provider === provider && entry.source !== 'env');
  const entry = entries[0] ?? (await keyInfo(manager, provider));
  if (entry === undefined) throw new KeyNotFoundError({ message: `No key stored for ${provider}.`, provider });
  return entry;
}

/** The provider's environment variables, as the security package's registry lists them. */
export function envVarsFor(provider: string): string[] {
  const entry = (PROVIDERS as Record<string, { envVars?: readonly string[] } | undefined>)[provider];
  return [...(entry?.envVars ?? [])];
}

/** A stored key is shadowed while its environment variable is set: say so, or the user will wonder. */
export function warnAboutEnvOverride(ctx: CliContext, provider: string): void {
  const set = envVarsFor(provider).filter((name) => (ctx.env[name] ?? '') !== '');
  if (set.length > 0) ctx.output.warn(`${set.join(', ')} is set in the environment and overrides the stored key.`);
}
