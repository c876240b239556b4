import * as logging from './index';

describe('public API', () => {
  it('exports exactly the documented names', () => {
    expect(Object.keys(logging).sort()).toEqual(
      [
        'DEFAULT_MAX_QUEUED_LINES',
        'LOG_FORMATS',
        'LOG_LEVELS',
        'createLogger',
        'getContext',
        'loadLoggingConfig',
        'newRequestId',
        'redact',
        'registerSecret',
        'unregisterSecret',
        'withContext',
      ].sort(),
    );
    expect(logging.LOG_LEVELS).toEqual(['debug', 'info', 'warning', 'error', 'critical']);
    expect(logging.DEFAULT_MAX_QUEUED_LINES).toBe(10_000);
  });
});
