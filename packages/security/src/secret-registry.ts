import { registerSecret } from '@localagent/logging';

/**
 * Registers a key with @localagent/logging so it is masked in every log line, even when its
 * format matches no pattern. The registry is process-wide (shared by the ESM and CJS copies).
 */
export function registerHandedOutSecret(value: string): void {
  registerSecret(value);
}
