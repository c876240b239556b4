import { maskSecrets } from './mask.js';
import { MARKER_WORD_AT_END, PEM_PRIVATE_KEY } from './secret-patterns.js';

/** Masks text that arrives in chunks (a child's output, a streamed body). */
export interface SecretMasker {
  /** Masks what can be decided now and returns it; the rest waits for the next chunk. */
  write(chunk: string): string;
  /** Masks and returns whatever is still held back. */
  end(): string;
}

export interface SecretMaskerOptions {
  /**
   * Held-back text never grows past this many characters: a run this long without a safe place to
   * cut (a megabyte of base64) is masked and passed on except its last quarter. Default 64 KiB.
   */
  maxPending?: number;
}

/** Text that ends in a separator: the value may follow after whitespace (`password: …`, `"secret" = …`). */
const ENDS_IN_SEPARATOR = /[:=>"']$/;
/** Text that continues a marker across whitespace: `api_key = …`, `"password" : …`. */
const CONTINUES_MARKER = /^(?:[:=]|%3[Dd]|["'])/;
/** The [start, end) spans of the private key blocks in `text`; an unfinished block runs to the end. */
function pemBlocks(text: string): Array<[number, number]> {
  if (!text.includes('PRIVATE KEY')) return [];
  const blocks: Array<[number, number]> = [];
  PEM_PRIVATE_KEY.lastIndex = 0;
  for (let m = PEM_PRIVATE_KEY.exec(text); m !== null; m = PEM_PRIVATE_KEY.exec(text)) {
    const complete = m[0].lastIndexOf('-----END') > 0;
    blocks.push([m.index, complete ? m.index + m[0].length : text.length]);
  }
  return blocks;
}

function isWhitespace(code: number): boolean {
  return (
    code === 32 ||
    (code >= 9 && code <= 13) ||
    code === 160 ||
    code === 0x2028 ||
    code === 0x2029 ||
    code === 0xfeff
  );
}

/**
 * Where `text` can be cut so that masking the two parts apart gives what masking it whole gives:
 * just after a whitespace (no credential contains one), not between a marker and its value, not
 * inside a PEM block. 0 when there is no such place yet. Only places at or after `from` are
 * looked at: earlier ones were judged when their text arrived (what follows a whitespace is read
 * up to 4 characters ahead, hence the caller's margin).
 */
function safeCut(text: string, from: number): number {
  const blocks = pemBlocks(text);
  let i = text.length - 1;
  while (i > 0 && i >= from) {
    if (!isWhitespace(text.charCodeAt(i))) {
      i -= 1;
      continue;
    }
    // the whitespace run around i
    let start = i;
    while (start > 0 && isWhitespace(text.charCodeAt(start - 1))) start -= 1;
    const end = i + 1;
    const before = text.slice(Math.max(0, start - 60), start);
    const after = text.slice(end, end + 4);
    const block = blocks.find(([begin, stop]) => begin < start && start < stop);
    if (block !== undefined) {
      // inside a private key block: only before it
      i = block[0] - 1;
      continue;
    }
    if (
      start > 0 &&
      !ENDS_IN_SEPARATOR.test(before) &&
      !MARKER_WORD_AT_END.test(before) &&
      !CONTINUES_MARKER.test(after)
    )
      return end;
    i = start - 1;
  }
  return 0;
}

/**
 * Where to cut a run without whitespace that grew too long (minified JSON, base64): just after the
 * `,` of a `,"` or `,{` boundary, or the `}` of a `},` one, at or before `limit` (a JSON member, and
 * so a marker with its value, never spans one), else at `limit`.
 */
function forcedCut(text: string, limit: number): number {
  for (let i = limit; i > limit / 2; i--) {
    const c = text.charCodeAt(i);
    const next = text.charCodeAt(i + 1);
    // ',' followed by '"' or '{', or '}' followed by ','
    if ((c === 44 && (next === 34 || next === 123)) || (c === 125 && next === 44)) return i + 1;
  }
  return limit;
}

/**
 * A streaming `maskSecrets`: a credential split across chunks is still masked, and the output,
 * joined, is what `maskSecrets` gives for the whole text. Text is held back until a whitespace
 * that no credential can span; registered secrets that themselves contain whitespace are masked
 * only within a chunk.
 */
export function createSecretMasker(options: SecretMaskerOptions = {}): SecretMasker {
  const maxPending = options.maxPending ?? 64 * 1024;
  let pending = '';
  return {
    write(chunk: string): string {
      const text = pending + chunk;
      let cut = safeCut(text, pending.length - 5);
      if (cut === 0 && text.length > maxPending)
        cut = forcedCut(text, text.length - Math.floor(maxPending / 4));
      pending = text.slice(cut);
      return cut === 0 ? '' : maskSecrets(text.slice(0, cut));
    },
    end(): string {
      const rest = pending;
      pending = '';
      return maskSecrets(rest);
    },
  };
}
