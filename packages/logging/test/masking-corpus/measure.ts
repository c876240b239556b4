/**
 * Measures how well masking catches credentials: every generated sample, in 7 contexts, through
 * 3 channels (maskSecrets directly, a real json file logger, a real ecs file logger), and how
 * often innocuous strings are changed.
 *
 * Runs against the BUILT packages (build errors and logging first). From a script, in packages/logging:
 *   TS_NODE_TRANSPILE_ONLY=1 TS_NODE_PROJECT=tsconfig.json TS_NODE_COMPILER_OPTIONS='{"rootDir":"."}' \
 *   node -r ts-node/register -e "const m = require('./test/masking-corpus/measure');
 *     m.measure().then((r) => process.stdout.write(m.formatReport(r) + '\n'))"
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { maskSecrets } from '@localagent/errors';
// the built package, as users get it
import { createLogger } from '../../dist/index.js';
import { FAMILY_NAMES, generateSamples, type Sample } from './families';
import { PLAIN, TRICKY } from './innocuous';

export const CONTEXTS = ['alone', 'sentence', 'bearer', 'json', 'url', 'error', 'meta'] as const;
export type Context = (typeof CONTEXTS)[number];

export const CHANNELS = ['maskSecrets', 'json', 'ecs'] as const;
export type Channel = (typeof CHANNELS)[number];

/** Catch-rate target per family × context × channel. */
export const TARGET_CATCH_RATE = 0.97;
/** Largest share of tricky strings that may be changed. */
export const TARGET_TRICKY_FP_RATE = 0.01;

/** Default samples per variant: ≥ 12 samples for every family, > 1,000 in all. */
export const DEFAULT_PER_VARIANT = 12;

/** A secret longer than this must not leave any WINDOW-character piece behind either. */
const PARTIAL_MIN_SECRET = 16;
const WINDOW = 12;

export interface Miss {
  family: string;
  variant: string;
  context: Context;
  channel: Channel;
  /** The output around the leak, each leaked piece replaced by <SECRET>. */
  output: string;
}

export interface Cell {
  family: string;
  context: Context;
  channel: Channel;
  total: number;
  caught: number;
  rate: number;
  /** The first few misses. */
  misses: Miss[];
}

export type FpChannel = 'maskSecrets' | 'json-message' | 'json-note';
export const FP_CHANNELS: readonly FpChannel[] = ['maskSecrets', 'json-message', 'json-note'];

export interface FalsePositive {
  input: string;
  /** What each channel that changed it made of it. */
  outputs: Partial<Record<FpChannel, string>>;
}

export interface FalsePositiveGroup {
  total: number;
  /** Strings changed by each channel. */
  byChannel: Record<FpChannel, number>;
  /** The first few false positives, of different shapes. */
  examples: FalsePositive[];
}

export interface Report {
  perVariant: number;
  samples: number;
  samplesPerFamily: Record<string, number>;
  cells: Cell[];
  overall: Record<Channel, { total: number; caught: number }>;
  falsePositives: { plain: FalsePositiveGroup; tricky: FalsePositiveGroup };
  durationMs: number;
}

export interface MeasureOptions {
  perVariant?: number;
  /** Misses kept per cell. Default 3. */
  examplesPerCell?: number;
}

interface Case {
  id: string;
  sample: Sample;
  context: Context;
  /** For the logger: what is logged, and how. */
  kind: 'message' | 'meta' | 'error';
  /** The text handed to maskSecrets and, for message/error, the logger. */
  text: string;
  /** Substrings that must not survive. */
  needles: string[];
}

function contextText(context: Context, text: string): { kind: Case['kind']; text: string } {
  switch (context) {
    case 'alone':
      return { kind: 'message', text };
    case 'sentence':
      return { kind: 'message', text: `calling the API with ${text} now` };
    case 'bearer':
      return { kind: 'message', text: `Authorization: Bearer ${text}` };
    case 'json':
      return { kind: 'message', text: `request body {"api_key":"${text}"} sent` };
    case 'url':
      return {
        kind: 'message',
        text: `https://api.example.test/v1?key=${encodeURIComponent(text)}`,
      };
    case 'error':
      return { kind: 'error', text: `upstream call failed: ${text}` };
    case 'meta':
      return { kind: 'meta', text };
  }
}

function buildCases(samples: Sample[]): Case[] {
  const cases: Case[] = [];
  samples.forEach((sample, i) => {
    for (const context of CONTEXTS) {
      const { kind, text } = contextText(context, sample.text);
      const needles =
        context === 'url'
          ? [...sample.secrets, ...sample.secrets.map((s) => encodeURIComponent(s))]
          : [...sample.secrets];
      cases.push({
        id: `c${i}-${context}`,
        sample,
        context,
        kind,
        text,
        needles: [...new Set(needles)],
      });
    }
  });
  return cases;
}

/** Every WINDOW-character piece of the secrets longer than PARTIAL_MIN_SECRET. */
function windowsOf(needles: string[]): Set<string> {
  const out = new Set<string>();
  for (const n of needles) {
    if (n.length <= PARTIAL_MIN_SECRET) continue;
    for (let i = 0; i + WINDOW <= n.length; i++) out.add(n.slice(i, i + WINDOW));
  }
  return out;
}

/** True when a secret, or a WINDOW-character piece of a long one, is in `output`. */
function leaks(output: string, needles: string[], windows: Set<string>): boolean {
  for (const n of needles) if (output.includes(n)) return true;
  if (windows.size === 0) return false;
  for (let i = 0; i + WINDOW <= output.length; i++)
    if (windows.has(output.slice(i, i + WINDOW))) return true;
  return false;
}

/** `output` with every leaked piece replaced by <SECRET>, cut to a short window around the first one, on one line. */
export function hideSecrets(output: string, needles: string[], around = 70): string {
  // JSON lines hold secrets escaped: hide those forms too
  const forms = [...new Set(needles.flatMap((n) => [n, JSON.stringify(n).slice(1, -1)]))];
  const covered = new Uint8Array(output.length);
  const cover = (piece: string) => {
    if (piece.length === 0) return;
    for (let at = output.indexOf(piece); at !== -1; at = output.indexOf(piece, at + 1))
      covered.fill(1, at, at + piece.length);
  };
  for (const n of forms) {
    cover(n);
    if (n.length > PARTIAL_MIN_SECRET)
      for (let i = 0; i + WINDOW <= n.length; i++) cover(n.slice(i, i + WINDOW));
  }
  let hidden = '';
  let first = -1;
  for (let i = 0; i < output.length; i++) {
    if (covered[i] === 1) {
      if (i === 0 || covered[i - 1] !== 1) {
        if (first === -1) first = hidden.length;
        hidden += '<SECRET>';
      }
    } else hidden += output.charAt(i);
  }
  const start = Math.max(0, (first === -1 ? 0 : first) - around);
  const cut = hidden.slice(start, start + 2 * around + 8);
  return (
    (start > 0 ? '…' : '') +
    cut.replace(/\r?\n/g, '⏎') +
    (start + 2 * around + 8 < hidden.length ? '…' : '')
  );
}

/** All strings (keys and values) of a parsed line, one per line: what a reader of the line sees. */
function textOf(value: unknown, out: string[] = []): string[] {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) for (const v of value) textOf(v, out);
  else if (typeof value === 'object' && value !== null) {
    for (const [k, v] of Object.entries(value)) {
      out.push(k);
      textOf(v, out);
    }
  } else if (value !== undefined && value !== null) out.push(String(value));
  return out;
}

interface LoggedLine {
  raw: string;
  record: Record<string, unknown>;
  text: string;
}

type LogEntry =
  | { id: string; kind: 'message' | 'meta' | 'error'; text: string }
  | { id: string; kind: 'innocuous'; text: string };

/** Logs every entry with a real file logger, closes it, and reads the lines back by case id. */
async function logToFile(
  dir: string,
  format: 'json' | 'ecs',
  entries: LogEntry[],
): Promise<Map<string, LoggedLine>> {
  const logger = createLogger({
    format,
    console: false,
    file: { path: join(dir, 'corpus.log') },
    // stacks are written too (and must be masked like the message)
    env: { LOCALAGENT_DEBUG: '1' },
  });
  let n = 0;
  for (const entry of entries) {
    const corpus_case = entry.id;
    switch (entry.kind) {
      case 'message':
        logger.info(entry.text, { corpus_case });
        break;
      case 'meta':
        logger.info('corpus sample', { corpus_case, note: entry.text });
        break;
      case 'error':
        logger.error('failed', { error: new Error(entry.text), corpus_case });
        break;
      case 'innocuous':
        logger.info(entry.text, { corpus_case, note: entry.text });
        break;
    }
    // the logger's queue holds 10,000 lines: yield to let the file catch up
    if (++n % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
  }
  await logger.close();
  const lines = new Map<string, LoggedLine>();
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.log'))
    .sort()) {
    for (const raw of readFileSync(join(dir, file), 'utf8').split('\n')) {
      if (raw === '') continue;
      let record: Record<string, unknown>;
      try {
        record = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        continue;
      }
      const id = record.corpus_case;
      if (typeof id === 'string') lines.set(id, { raw, record, text: textOf(record).join('\n') });
    }
  }
  return lines;
}

function emptyGroup(total: number): FalsePositiveGroup {
  return { total, byChannel: { maskSecrets: 0, 'json-message': 0, 'json-note': 0 }, examples: [] };
}

const MAX_FP_EXAMPLES = 12;

export async function measure(options: MeasureOptions = {}): Promise<Report> {
  const started = Date.now();
  const perVariant = options.perVariant ?? DEFAULT_PER_VARIANT;
  const examplesPerCell = options.examplesPerCell ?? 3;
  const samples = generateSamples(perVariant);
  const cases = buildCases(samples);

  const root = mkdtempSync(join(tmpdir(), 'la-masking-corpus-'));
  try {
    const dirs = {
      json: join(root, 'json'),
      ecs: join(root, 'ecs'),
      innocuous: join(root, 'innocuous'),
    };
    const innocuous = [
      ...PLAIN.map((text, i) => ({ group: 'plain' as const, id: `p${i}`, text })),
      ...TRICKY.map((text, i) => ({ group: 'tricky' as const, id: `t${i}`, text })),
    ];
    const entries: LogEntry[] = cases.map((c) => ({ id: c.id, kind: c.kind, text: c.text }));
    const [jsonLines, ecsLines, innocuousLines] = await Promise.all([
      logToFile(dirs.json, 'json', entries),
      logToFile(dirs.ecs, 'ecs', entries),
      logToFile(
        dirs.innocuous,
        'json',
        innocuous.map(({ id, text }) => ({ id, kind: 'innocuous' as const, text })),
      ),
    ]);

    // catch rates
    const cells = new Map<string, Cell>();
    const cellKey = (family: string, context: Context, channel: Channel) =>
      `${family}\u0000${context}\u0000${channel}`;
    for (const family of FAMILY_NAMES) {
      for (const context of CONTEXTS) {
        for (const channel of CHANNELS) {
          cells.set(cellKey(family, context, channel), {
            family,
            context,
            channel,
            total: 0,
            caught: 0,
            rate: 1,
            misses: [],
          });
        }
      }
    }
    const overall = Object.fromEntries(CHANNELS.map((c) => [c, { total: 0, caught: 0 }])) as Record<
      Channel,
      { total: number; caught: number }
    >;
    for (const c of cases) {
      const windows = windowsOf(c.needles);
      for (const channel of CHANNELS) {
        let output: string;
        let shown: string;
        if (channel === 'maskSecrets') {
          output = maskSecrets(c.text);
          shown = output;
        } else {
          const line = (channel === 'json' ? jsonLines : ecsLines).get(c.id);
          output = line === undefined ? '' : line.text;
          shown = line === undefined ? '<no line written>' : line.raw;
        }
        const leaked = shown === '<no line written>' || leaks(output, c.needles, windows);
        const cell = cells.get(cellKey(c.sample.family, c.context, channel)) as Cell;
        cell.total++;
        overall[channel].total++;
        if (!leaked) {
          cell.caught++;
          overall[channel].caught++;
        } else if (cell.misses.length < examplesPerCell) {
          cell.misses.push({
            family: c.sample.family,
            variant: c.sample.variant,
            context: c.context,
            channel,
            output: hideSecrets(shown, c.needles),
          });
        }
      }
    }
    for (const cell of cells.values()) cell.rate = cell.total === 0 ? 1 : cell.caught / cell.total;

    // false positives
    const plain = emptyGroup(PLAIN.length);
    const tricky = emptyGroup(TRICKY.length);
    const shapes = new Set<string>();
    for (const { group, id, text } of innocuous) {
      const g = group === 'plain' ? plain : tricky;
      const line = innocuousLines.get(id);
      const outputs: Array<[FpChannel, string]> = [
        ['maskSecrets', maskSecrets(text)],
        ['json-message', line === undefined ? '<no line written>' : String(line.record.message)],
        ['json-note', line === undefined ? '<no line written>' : String(line.record.note)],
      ];
      const changed: Partial<Record<FpChannel, string>> = {};
      for (const [channel, output] of outputs) {
        if (output === text) continue;
        g.byChannel[channel]++;
        changed[channel] = output;
      }
      // one example per shape of string (digits and hex runs blurred), so the list shows different cases
      const shape = `${group}:${text
        .replace(/[0-9a-f]{4,}|\d+/g, '#')
        .split(/\s+/)
        .slice(0, 2)
        .join(' ')
        .replace(/[=:].*$/, '')}`;
      if (
        Object.keys(changed).length > 0 &&
        g.examples.length < MAX_FP_EXAMPLES &&
        !shapes.has(shape)
      ) {
        shapes.add(shape);
        g.examples.push({ input: text, outputs: changed });
      }
    }

    const samplesPerFamily: Record<string, number> = {};
    for (const s of samples) samplesPerFamily[s.family] = (samplesPerFamily[s.family] ?? 0) + 1;

    return {
      perVariant,
      samples: samples.length,
      samplesPerFamily,
      cells: [...cells.values()],
      overall,
      falsePositives: { plain, tricky },
      durationMs: Date.now() - started,
    };
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

const pct = (caught: number, total: number): string =>
  total === 0 ? '-' : `${Math.floor((100 * caught) / total)}`;
const pad = (s: string, n: number): string => (s.length >= n ? s : s + ' '.repeat(n - s.length));
const padLeft = (s: string, n: number): string =>
  s.length >= n ? s : ' '.repeat(n - s.length) + s;
const short = (s: string, n = 140): string => {
  const one = s.replace(/\r?\n/g, '⏎');
  return one.length > n ? `${one.slice(0, n)}…` : one;
};

/** The report as a table: catch rate (%, floored) per family × context, each cell `maskSecrets/json/ecs`. */
export function formatReport(report: Report, examplesPerFamily = 4): string {
  const out: string[] = [];
  const famWidth = Math.max(16, ...FAMILY_NAMES.map((f) => f.length + 1));
  const colWidth = 12;
  out.push(
    `masking corpus: ${report.samples} samples (${report.perVariant} per variant) × ${CONTEXTS.length} contexts × ${CHANNELS.length} channels, ` +
      `${report.falsePositives.plain.total} plain + ${report.falsePositives.tricky.total} tricky innocuous strings, ${report.durationMs} ms`,
  );
  out.push(
    `catch rate % (floored), each cell ${CHANNELS.join('/')}; target ≥ ${TARGET_CATCH_RATE * 100} % everywhere`,
  );
  out.push(
    pad('family', famWidth) +
      padLeft('n', 5) +
      ' ' +
      CONTEXTS.map((c) => padLeft(c, colWidth)).join(''),
  );
  const cell = (family: string, context: Context, channel: Channel) =>
    report.cells.find((c) => c.family === family && c.context === context && c.channel === channel);
  for (const family of FAMILY_NAMES) {
    const cols = CONTEXTS.map((context) =>
      padLeft(
        CHANNELS.map((channel) => {
          const c = cell(family, context, channel);
          return c === undefined ? '-' : pct(c.caught, c.total);
        }).join('/'),
        colWidth,
      ),
    );
    const below = CONTEXTS.some((context) =>
      CHANNELS.some((channel) => (cell(family, context, channel)?.rate ?? 1) < TARGET_CATCH_RATE),
    );
    out.push(
      pad((below ? '✗ ' : '  ') + family, famWidth) +
        padLeft(String(report.samplesPerFamily[family] ?? 0), 5) +
        ' ' +
        cols.join(''),
    );
  }
  const byContext = CONTEXTS.map((context) =>
    padLeft(
      CHANNELS.map((channel) => {
        const cs = report.cells.filter((c) => c.context === context && c.channel === channel);
        return pct(
          cs.reduce((a, c) => a + c.caught, 0),
          cs.reduce((a, c) => a + c.total, 0),
        );
      }).join('/'),
      colWidth,
    ),
  );
  out.push(
    pad('  all families', famWidth) + padLeft(String(report.samples), 5) + ' ' + byContext.join(''),
  );
  out.push(
    'overall: ' +
      CHANNELS.map(
        (ch) =>
          `${ch} ${report.overall[ch].caught}/${report.overall[ch].total} (${pct(report.overall[ch].caught, report.overall[ch].total)} %)`,
      ).join(', '),
  );
  for (const [name, g] of [
    ['plain', report.falsePositives.plain],
    ['tricky', report.falsePositives.tricky],
  ] as const) {
    out.push(
      `false positives, ${name} (${g.total} strings; target ${name === 'plain' ? '0' : `≤ ${TARGET_TRICKY_FP_RATE * 100} %`}): ` +
        FP_CHANNELS.map((ch) => `${ch} ${g.byChannel[ch]}`).join(', '),
    );
  }

  const failing = report.cells.filter((c) => c.misses.length > 0);
  if (failing.length > 0) {
    out.push('', `first misses (≤ ${examplesPerFamily} per family):`);
    for (const family of FAMILY_NAMES) {
      const misses = failing
        .filter((c) => c.family === family)
        .flatMap((c) => c.misses.slice(0, 1));
      // prefer one example per context
      const seen = new Set<string>();
      const chosen = misses
        .filter((m) => (seen.has(m.context) ? false : (seen.add(m.context), true)))
        .slice(0, examplesPerFamily);
      for (const m of chosen)
        out.push(`  ${m.family}/${m.variant} [${m.context}, ${m.channel}]: ${m.output}`);
    }
  }
  for (const [name, g] of [
    ['plain', report.falsePositives.plain],
    ['tricky', report.falsePositives.tricky],
  ] as const) {
    if (g.examples.length === 0) continue;
    out.push('', `first false positives (${name}):`);
    for (const fp of g.examples) {
      const byOutput = new Map<string, FpChannel[]>();
      for (const ch of FP_CHANNELS) {
        const o = fp.outputs[ch];
        if (o !== undefined) byOutput.set(o, [...(byOutput.get(o) ?? []), ch]);
      }
      for (const [o, chs] of byOutput)
        out.push(`  [${chs.join(', ')}] ${short(fp.input)}  →  ${short(o)}`);
    }
  }
  return out.join('\n');
}
