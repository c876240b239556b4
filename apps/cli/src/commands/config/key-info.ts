import { KeyNotFoundError } from '@localagent/errors';
import type { KeyInfo, SecureKeyManager } from '@localagent/security';

/** The listing entry for one provider (env first, as it wins), or undefined. */
export async function keyInfo(
  manager: Pick<SecureKeyManager, 'listKeys'>,
  provider: string,
): Promise<KeyInfo | undefined> {
  const entries = (await manager.listKeys()).filter((entry) => entry.provider === provider);
  return entries.find((entry) => entry.source === 'env') ?? entries[0];
}

/** The stored (not env) entry for one provider; KeyNotFoundError when there is none. */
export async function storedKeyInfo(
  manager: Pick<SecureKeyManager, 'listKeys'>,
  provider: string,
): Promise<KeyInfo> {
  const entries = (await manager.listKeys()).filter(
    (entry) => entry.provider === provider && entry.source !== 'env',
  );
  const entry = entries[0] ?? (await keyInfo(manager, provider));
  if (entry === undefined)
    throw new KeyNotFoundError({ message: `No key stored for ${provider}.`, provider });
  return entry;
}
