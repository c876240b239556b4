/** A provider name: a short lower-case identifier (`openai`, `azure-openai`, `my_proxy`). */
export const PROVIDER_NAME_PATTERN = /^[a-z0-9][a-z0-9_-]{0,63}$/;

export function isValidProviderName(name: string): boolean {
  return PROVIDER_NAME_PATTERN.test(name);
}
