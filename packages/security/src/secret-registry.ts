import * as logging from '@localagent/logging';

type Register = (value: string) => void;

/**
 * Registers a key with @localagent/logging so it is masked in every log line, even when its
 * format matches no pattern.
 */
export function registerHandedOutSecret(value: string): void {
  // looked up at call time: the logging package may be an older build without registerSecret
  const register = (logging as unknown as { registerSecret?: Register }).registerSecret;
  if (typeof register === 'function') register(value);
}
