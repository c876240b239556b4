/**
 * True for an Error (or DOMException) from any realm. `instanceof Error` is false for errors made
 * in another realm (a vm context, Jest's sandbox receiving Node's own socket errors, an iframe),
 * so the built-in tag decides too.
 */
export function isErrorLike(value: unknown): value is Error {
  if (typeof value !== 'object' || value === null) return false;
  if (value instanceof Error) return true;
  const tag = Object.prototype.toString.call(value);
  return tag === '[object Error]' || tag === '[object DOMException]';
}
