/**
 * config.yaml is read, parsed and validated once per run, whatever the command: counted on the BUILT
 * bundle (`pnpm --filter @localagent/cli build` first), by a preload that wraps node:fs. Before the
 * one-load change, list-keys, set-key and validate read it 3 times and doctor 8 times.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fakeKey, MASTER_PASSWORD, tempConfigDir } from './harness';

const BUNDLE = resolve(__dirname, '..', 'dist', 'localagent.js');
const PRELOAD = resolve(__dirname, 'support', 'count-config-reads.cjs');

function reads(
  args: string[],
  dir: string,
  input = '',
): { code: number | null; reads: number; stderr: string; modules: string[] } {
  const countFile = join(mkdtempSync(join(tmpdir(), 'la-reads-')), 'count');
  const env = {
    PATH: process.env['PATH'] ?? '',
    HOME: process.env['HOME'] ?? '',
    LOCALAGENT_CONFIG_DIR: dir,
    LOCALAGENT_STORAGE: 'file',
    LOCALAGENT_MASTER_PASSWORD: MASTER_PASSWORD,
    LOCALAGENT_LOG_LEVEL: 'debug', // every logger line enabled: the logger must not read it again
    LA_COUNT_FILE: countFile,
  };
  const result = spawnSync(process.execPath, ['--require', PRELOAD, BUNDLE, ...args], {
    input,
    encoding: 'utf8',
    env,
  });
  return {
    code: result.status,
    reads: Number(readFileSync(countFile, 'utf8')),
    stderr: result.stderr,
    modules: JSON.parse(readFileSync(`${countFile}.modules`, 'utf8')) as string[],
  };
}

describe('config.yaml reads per command (built CLI)', () => {
  const dir = tempConfigDir('logging:\n  format: json\n');

  it.each([
    [['config', 'set-key', 'openai', '--stdin'], fakeKey()],
    [['config', 'get-key', 'openai'], ''],
    [['config', 'list-keys'], ''],
    [['config', 'rotate-key', 'openai', '--stdin'], fakeKey()],
    [['config', 'validate'], ''],
    [['doctor'], ''],
    [['config', 'delete-key', 'openai', '--yes'], ''],
  ])('%j reads it once', (args, input) => {
    const result = reads(args, dir, input);
    expect({ code: result.code, reads: result.reads }).toEqual({ code: 0, reads: 1 });
  });

  it.each([
    [['audit', 'verify']],
    [['audit', 'show']],
    [['errors', 'explain', 'LA_KEY_NOT_FOUND']],
    [['--version']],
    [['--help']],
  ])('%j needs no configuration and never reads it', (args) => {
    expect(reads(args, dir)).toMatchObject({ code: 0, reads: 0 });
  });

  it('an invalid file is read once too: the error is kept, not re-read by each part that needs it', () => {
    const bad = tempConfigDir('logging:\n  format: xml\n');
    expect(reads(['doctor'], bad)).toMatchObject({ code: 0, reads: 1 });
    expect(reads(['config', 'list-keys'], bad)).toMatchObject({ code: 3, reads: 1 });
    expect(reads(['config', 'validate'], bad)).toMatchObject({ code: 3, reads: 1 });
  });

  it('loads the YAML parser only when there is a config.yaml to parse', () => {
    const empty = mkdtempSync(join(tmpdir(), 'la-reads-none-')); // no config.yaml at all
    const bare = reads(['config', 'list-keys'], empty);
    expect(bare).toMatchObject({ code: 0, reads: 1 });
    expect(bare.modules).not.toContain('localagent-yaml.js');
    expect(bare.modules).toContain('localagent-logging.js'); // LOCALAGENT_LOG_LEVEL=debug: a line is logged
    expect(reads(['config', 'list-keys'], dir).modules).toContain('localagent-yaml.js');
  });
});
