/**
 * Masking corpus: how well masking catches credentials of every family, in 7 contexts, through
 * maskSecrets and real json/ecs file loggers; and how often it changes innocuous strings.
 * Runs against the BUILT packages: build @localagent/errors and @localagent/logging first.
 *
 * The table is printed before the assertions, so it is there whatever fails.
 */
import { FAMILY_NAMES } from './families';
import { PLAIN, TRICKY } from './innocuous';
import {
  CHANNELS,
  CONTEXTS,
  FP_CHANNELS,
  TARGET_CATCH_RATE,
  TARGET_TRICKY_FP_RATE,
  formatReport,
  measure,
  type Channel,
  type Context,
  type Report,
} from './measure';

// 12 per variant: more than 1,000 samples, at least 12 for every family
const PER_VARIANT = 12;

let report: Report;

beforeAll(async () => {
  report = await measure({ perVariant: PER_VARIANT });
  process.stdout.write(`\n${formatReport(report)}\n\n`);
}, 120_000);

describe('masking corpus: the corpus itself', () => {
  it('has at least 500 samples, and samples of every family', () => {
    expect(report.samples).toBeGreaterThanOrEqual(500);
    for (const family of FAMILY_NAMES)
      expect(report.samplesPerFamily[family] ?? 0).toBeGreaterThanOrEqual(PER_VARIANT);
  });

  it('has at least 300 plain and 200 tricky innocuous strings, all distinct', () => {
    expect(PLAIN.length).toBeGreaterThanOrEqual(300);
    expect(TRICKY.length).toBeGreaterThanOrEqual(200);
    expect(new Set(PLAIN).size).toBe(PLAIN.length);
    expect(new Set(TRICKY).size).toBe(TRICKY.length);
  });
});

const cases: Array<[string, Context, Channel]> = FAMILY_NAMES.flatMap((family) =>
  CONTEXTS.flatMap((context) =>
    CHANNELS.map((channel): [string, Context, Channel] => [family, context, channel]),
  ),
);

describe('masking corpus: catch rate per family × context × channel', () => {
  it.each(cases)(
    `%s, context %s, through %s: ≥ ${TARGET_CATCH_RATE * 100} %% caught`,
    (family, context, channel) => {
      const cell = report.cells.find(
        (c) => c.family === family && c.context === context && c.channel === channel,
      );
      expect(cell).toBeDefined();
      if (cell === undefined) return;
      expect(cell.total).toBeGreaterThan(0);
      if (cell.rate < TARGET_CATCH_RATE) {
        const examples = cell.misses.map((m) => `\n  ${m.variant}: ${m.output}`).join('');
        throw new Error(
          `${family} in context ${context} through ${channel}: ${cell.caught}/${cell.total} caught ` +
            `(${(100 * cell.rate).toFixed(1)} % < ${TARGET_CATCH_RATE * 100} %); first misses:${examples}`,
        );
      }
    },
  );
});

describe('masking corpus: false positives', () => {
  it.each(FP_CHANNELS)('plain strings through %s: none changed', (channel) => {
    const g = report.falsePositives.plain;
    const examples = g.examples.flatMap((e) =>
      e.outputs[channel] === undefined ? [] : [`${e.input} → ${e.outputs[channel]}`],
    );
    expect({ changed: g.byChannel[channel], examples }).toEqual({ changed: 0, examples: [] });
  });

  it.each(FP_CHANNELS)(
    `tricky strings through %s: ≤ ${TARGET_TRICKY_FP_RATE * 100} %% changed`,
    (channel) => {
      const g = report.falsePositives.tricky;
      const allowed = Math.floor(g.total * TARGET_TRICKY_FP_RATE);
      if (g.byChannel[channel] > allowed) {
        const examples = g.examples
          .flatMap((e) =>
            e.outputs[channel] === undefined ? [] : [`\n  ${e.input} → ${e.outputs[channel]}`],
          )
          .join('');
        throw new Error(
          `${g.byChannel[channel]} of ${g.total} tricky strings changed through ${channel} (allowed ${allowed}); first ones:${examples}`,
        );
      }
    },
  );
});
