import { createFormatter, toDatadogId, type LogRecord } from './formats';
import { sizeInBytes } from './file-transport';

const base: LogRecord = { timestamp: '2026-01-02T03:04:05.678Z', level: 'INFO', message: 'hello' };
const throwing = {
  toJSON(): never {
    throw new Error('cannot serialise');
  },
};

describe('formatters', () => {
  it('keep the line when a value cannot be serialised', () => {
    expect(JSON.parse(createFormatter('json', undefined)({ ...base, bad: throwing }))).toEqual({
      ...base,
      logging_error: 'Error: cannot serialise',
    });
    expect(JSON.parse(createFormatter('ecs', undefined)({ ...base, bad: throwing }))).toEqual({
      '@timestamp': base.timestamp,
      'log.level': 'INFO',
      message: 'hello',
    });
  });

  it('write minimal ECS and Datadog lines when there is no service, trace or error', () => {
    const ecs = JSON.parse(createFormatter('ecs', undefined)(base)) as Record<string, unknown>;
    expect(ecs).toEqual({
      '@timestamp': base.timestamp,
      'log.level': 'INFO',
      message: 'hello',
      'ecs.version': expect.any(String),
    });
    expect(JSON.parse(createFormatter('datadog', undefined)(base))).toEqual({
      timestamp: base.timestamp,
      status: 'INFO',
      message: 'hello',
    });
  });

  it('keep a meta error that is not an error record as it was given', () => {
    const record = { ...base, error: 'plain string error' } as unknown as LogRecord;
    expect(JSON.parse(createFormatter('ecs', undefined)(record))).toMatchObject({
      error: 'plain string error',
    });
    expect(JSON.parse(createFormatter('datadog', undefined)(record))).toMatchObject({
      error: 'plain string error',
    });
  });

  it('pretty prints causes and skips undefined fields', () => {
    const line = createFormatter(
      'pretty',
      undefined,
    )({
      ...base,
      gone: undefined,
      error: {
        name: 'Error',
        code: 'LA_INTERNAL',
        category: 'system',
        message: 'outer',
        cause: { name: 'TypeError', code: 'LA_INTERNAL', category: 'system', message: 'inner' },
      },
    });
    expect(line).toBe(
      '2026-01-02T03:04:05.678Z INFO     hello\n  Error [LA_INTERNAL]: outer\n  caused by TypeError: inner',
    );
  });

  it('converts OpenTelemetry ids to Datadog ids: the low 64 bits, in decimal', () => {
    expect(toDatadogId('0000000000000000000000000000000a')).toBe('10');
    expect(toDatadogId('ffffffffffffffff')).toBe('18446744073709551615');
  });
});

describe('sizeInBytes', () => {
  it('reads maxSize as winston-daily-rotate-file does', () => {
    expect(sizeInBytes(2048)).toBe(2048);
    expect(sizeInBytes('10k')).toBe(10 * 1024);
    expect(sizeInBytes('2M')).toBe(2 * 1024 ** 2);
    expect(sizeInBytes('1g')).toBe(1024 ** 3);
    expect(sizeInBytes(undefined)).toBe(Number.POSITIVE_INFINITY);
    expect(sizeInBytes('lots')).toBe(Number.POSITIVE_INFINITY);
  });
});
