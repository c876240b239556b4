import { ConfigurationError } from '@localagent/errors';

/** The longest an unlock may last: a week, so a forgotten agent does not hold the key for good. */
export const MAX_UNLOCK_TTL_MS = 7 * 24 * 60 * 60 * 1000;

/** The shortest: one second (shorter ones expire before the caller can use them). */
export const MIN_UNLOCK_TTL_MS = 1000;

const UNIT_MS = { s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;

const SUGGESTION = 'Give a number and a unit, or several: 90s, 30m, 8h, 1d, 1h30m (from 1s to 7d).';

/** '8h', '30m', '90s', '1d', '1h30m' → milliseconds; anything else, or outside 1s..7d, is a ConfigurationError. */
export function parseTtl(text: string): number {
  const trimmed = text.trim().toLowerCase();
  // each part is digits then a unit, and nothing else is left
  if (trimmed === '' || trimmed.replace(/\d{1,7}[smhd]/g, '') !== '') {
    throw new ConfigurationError({
      message: `Invalid TTL ${JSON.stringify(text)}.`,
      suggestion: SUGGESTION,
    });
  }
  let ms = 0;
  for (const [, amount, unit] of trimmed.matchAll(/(\d{1,7})([smhd])/g)) {
    ms += Number(amount) * UNIT_MS[unit as keyof typeof UNIT_MS];
  }
  if (ms < MIN_UNLOCK_TTL_MS || ms > MAX_UNLOCK_TTL_MS) {
    throw new ConfigurationError({
      message: `TTL ${JSON.stringify(text)} is out of range: it must be from 1s to 7d.`,
      suggestion: SUGGESTION,
    });
  }
  return ms;
}
