import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigurationError } from '@localagent/errors';
import { loadLoggingConfig } from './config';

function configFile(text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'la-config-')), 'config.yaml');
  writeFileSync(path, text);
  return path;
}

function failure(fn: () => unknown): ConfigurationError {
  try {
    fn();
  } catch (error) {
    expect(ConfigurationError.isInstance(error)).toBe(true);
    return error as ConfigurationError;
  }
  throw new Error('expected a ConfigurationError');
}

describe('loadLoggingConfig', () => {
  it('reads the logging: section of a YAML file', () => {
    const file = configFile(`
providers: { openai: {} }
logging:
  level: debug
  format: ecs
  service: agent
  console: { stream: stdout }
  file: { path: /var/log/agent.log, maxSize: 20m, maxFiles: 14d, zippedArchive: true }
  redact: { keys: [customerRef], patterns: ['acct-\\d+'] }
  maxQueuedLines: 500
`);
    const options = loadLoggingConfig({ file, env: {} });
    expect(options).toMatchObject({
      level: 'debug',
      format: 'ecs',
      service: 'agent',
      console: { stream: 'stdout' },
      file: { path: '/var/log/agent.log', maxSize: '20m', maxFiles: '14d', zippedArchive: true },
      redact: { keys: ['customerRef'] },
      maxQueuedLines: 500,
      env: {},
    });
    expect(options.redact?.patterns?.[0]?.test('acct-42')).toBe(true);
  });

  it('lets the environment win over the file', () => {
    const file = configFile(
      'logging:\n  level: debug\n  format: json\n  file: { path: a.log, maxFiles: 3 }\n  console: false\n',
    );
    const options = loadLoggingConfig({
      file,
      env: {
        LOCALAGENT_LOG_LEVEL: 'WARNING',
        LOCALAGENT_LOG_FORMAT: 'datadog',
        LOCALAGENT_LOG_FILE: '/tmp/b.log',
      },
    });
    expect(options).toMatchObject({
      level: 'warning',
      format: 'datadog',
      file: { path: '/tmp/b.log', maxFiles: 3 },
      console: false,
    });
  });

  it('reads the environment alone, and treats a missing file or section as empty', () => {
    expect(
      loadLoggingConfig({ env: { LOCALAGENT_LOG_FILE: 'x.log', LOCALAGENT_LOG_LEVEL: ' ' } }),
    ).toEqual({
      file: { path: 'x.log' },
      env: { LOCALAGENT_LOG_FILE: 'x.log', LOCALAGENT_LOG_LEVEL: ' ' },
    });
    expect(loadLoggingConfig({ file: '/nonexistent/la/config.yaml', env: {} })).toEqual({
      env: {},
    });
    expect(loadLoggingConfig({ file: configFile(''), env: {} })).toEqual({ env: {} });
    expect(loadLoggingConfig({ file: configFile('other: 1\n'), env: {} })).toEqual({ env: {} });
    expect(loadLoggingConfig()).toEqual(expect.any(Object));
  });

  it('names the field, the allowed values and where the value came from', () => {
    const fromEnv = failure(() => loadLoggingConfig({ env: { LOCALAGENT_LOG_LEVEL: 'verbose' } }));
    expect(fromEnv.message).toContain('logging.level');
    expect(fromEnv.message).toContain('debug, info, warning, error, critical');
    expect(fromEnv.message).toContain('"verbose"');
    expect(fromEnv.message).toContain('LOCALAGENT_LOG_LEVEL');
    expect(fromEnv.code).toBe('LA_CONFIG_INVALID');
    expect(fromEnv.details).toMatchObject({
      field: 'logging.level',
      source: 'LOCALAGENT_LOG_LEVEL',
    });

    const format = failure(() => loadLoggingConfig({ env: { LOCALAGENT_LOG_FORMAT: 'xml' } }));
    expect(format.message).toContain('json, pretty, ecs, datadog');

    const file = configFile('logging:\n  file: { path: a.log, maxSize: huge }\n');
    const size = failure(() => loadLoggingConfig({ file, env: {} }));
    expect(size.message).toContain('logging.file.maxSize');
    expect(size.message).toContain('k, m or g');
    expect(size.message).toContain(file);

    const unknown = failure(() =>
      loadLoggingConfig({ file: configFile('logging:\n  colour: red\n'), env: {} }),
    );
    expect(unknown.message).toContain('logging.colour is not a known field');
    expect(unknown.message).toContain('level, format');

    const nestedUnknown = failure(() =>
      loadLoggingConfig({
        file: configFile('logging:\n  file: { path: a.log, rotate: yes }\n'),
        env: {},
      }),
    );
    expect(nestedUnknown.message).toContain('logging.file.rotate is not a known field');

    const stream = failure(() =>
      loadLoggingConfig({ file: configFile('logging:\n  console: { stream: file }\n'), env: {} }),
    );
    expect(stream.message).toContain('stderr, stdout');

    const redactUnknown = failure(() =>
      loadLoggingConfig({ file: configFile('logging:\n  redact: { fields: [a] }\n'), env: {} }),
    );
    expect(redactUnknown.message).toContain('keys, patterns');

    const consoleUnknown = failure(() =>
      loadLoggingConfig({
        file: configFile('logging:\n  console: { stream: stderr, colour: true }\n'),
        env: {},
      }),
    );
    expect(consoleUnknown.message).toContain('known fields: stream');
  });

  it('rejects a section that is not a mapping, bad YAML, unreadable files and bad patterns', () => {
    expect(
      failure(() => loadLoggingConfig({ file: configFile('logging: loud\n'), env: {} })).message,
    ).toContain('logging must be');
    expect(
      failure(() => loadLoggingConfig({ file: configFile('logging: [\n'), env: {} })).message,
    ).toContain('not valid YAML');
    expect(failure(() => loadLoggingConfig({ file: tmpdir(), env: {} })).message).toContain(
      'Cannot read the config file',
    );
    const pattern = failure(() =>
      loadLoggingConfig({
        file: configFile("logging:\n  redact: { patterns: ['(unclosed'] }\n"),
        env: {},
      }),
    );
    expect(pattern.message).toContain('logging.redact.patterns[0]');
  });
});
