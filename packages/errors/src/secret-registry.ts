/**
 * Exact secret values that must never be written anywhere. The registry lives on `globalThis`
 * under a `Symbol.for` key, so the ESM and CJS builds of this package (both may be loaded in one
 * process) share it: a key registered through one copy is masked by `maskSecrets` of the other,
 * and so by every logger.
 */
interface SecretRegistry {
  /** value -> how many times it was registered; unregistering as often as registering removes it. */
  readonly counts: Map<string, number>;
  /** Bumped on every change, so callers can cache what they derive from the registry. */
  version: number;
  /** One regex for all values, longest first; null when empty. Rebuilt lazily after a change. */
  matcher: RegExp | null;
  matcherVersion: number;
}

const REGISTRY_KEY = Symbol.for('localagent.secret-registry');

const holder = globalThis as typeof globalThis & { [REGISTRY_KEY]?: SecretRegistry };
const registry: SecretRegistry = (holder[REGISTRY_KEY] ??= {
  counts: new Map(),
  version: 0,
  matcher: null,
  matcherVersion: -1,
});

/** Shorter values cannot be told apart from ordinary text; no real key is this short. */
export const MIN_SECRET_LENGTH = 4;

function forms(value: string): string[] {
  const encoded = encodeURIComponent(value);
  // a key pasted into a URL appears percent-encoded
  return encoded === value ? [value] : [value, encoded];
}

/**
 * Masks this exact value in everything `maskSecrets` masks (every logger, every error), wherever
 * it appears (also inside longer text), whatever its format. Values shorter than {@link MIN_SECRET_LENGTH} are ignored.
 */
export function registerSecret(value: string): void {
  if (typeof value !== 'string' || value.length < MIN_SECRET_LENGTH) return;
  for (const form of forms(value)) registry.counts.set(form, (registry.counts.get(form) ?? 0) + 1);
  registry.version += 1;
}

/** Undoes one {@link registerSecret} of this value. */
export function unregisterSecret(value: string): void {
  if (typeof value !== 'string') return;
  let changed = false;
  for (const form of forms(value)) {
    const count = registry.counts.get(form);
    if (count === undefined) continue;
    if (count <= 1) registry.counts.delete(form);
    else registry.counts.set(form, count - 1);
    changed = true;
  }
  if (changed) registry.version += 1;
}

/** Changes whenever a secret is registered or unregistered. */
export function secretsVersion(): number {
  return registry.version;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

interface TrieNode {
  end: boolean;
  next: Map<string, TrieNode>;
}

/**
 * A regex source matching any of `values`, longest first, shaped as a trie (`sk-(?:a…|b…)`), so
 * keys that share a prefix are not tried one by one at every position of every string.
 */
export function trieSource(values: Iterable<string>): string {
  const root: TrieNode = { end: false, next: new Map() };
  for (const value of values) {
    let node = root;
    for (const char of value) {
      let child = node.next.get(char);
      if (child === undefined) {
        child = { end: false, next: new Map() };
        node.next.set(char, child);
      }
      node = child;
    }
    node.end = true;
  }
  const emit = (node: TrieNode): string => {
    const branches = [...node.next].map(([char, child]) => escapeRegExp(char) + emit(child));
    if (branches.length === 0) return '';
    const body = branches.length === 1 ? (branches[0] as string) : `(?:${branches.join('|')})`;
    // a value that is a prefix of a longer one: the longer one is tried first (greedy)
    return node.end ? `(?:${body})?` : body;
  };
  return emit(root);
}

/** A global regex matching any registered value (longest first), or null when none is registered. */
export function registeredSecretsMatcher(): RegExp | null {
  if (registry.matcherVersion !== registry.version) {
    const source = registry.counts.size === 0 ? undefined : trieSource(registry.counts.keys());
    // eslint-disable-next-line security/detect-non-literal-regexp -- built from escaped literals
    registry.matcher = source === undefined ? null : new RegExp(source, 'g');
    registry.matcherVersion = registry.version;
  }
  return registry.matcher;
}
