import type { Logger } from '@localagent/logging';
import { LazyLogger } from './lazy-logger';

function recording(): { logger: Logger; lines: string[]; closed: () => boolean } {
  const lines: string[] = [];
  let closed = false;
  const log = (level: string) => (message: string) => lines.push(`${level} ${message}`);
  const logger = {
    debug: log('debug'),
    info: log('info'),
    warning: log('warning'),
    error: log('error'),
    critical: log('critical'),
    close: async () => {
      closed = true;
    },
  } as unknown as Logger;
  return { logger, lines, closed: () => closed };
}

describe('LazyLogger', () => {
  it('builds nothing for lines below its level', async () => {
    const create = jest.fn();
    const lazy = new LazyLogger('warning', create);
    lazy.debug('d');
    lazy.info('i');
    expect(create).not.toHaveBeenCalled();
    expect(lazy.isCreated).toBe(false);
    expect(lazy.isLevelEnabled('info')).toBe(false);
    await expect(lazy.close()).resolves.toBeUndefined();
  });

  it('builds the logger once, on the first enabled line, and closes it', async () => {
    const target = recording();
    const create = jest.fn(() => target.logger);
    const lazy = new LazyLogger('debug', create);
    lazy.debug('d');
    lazy.info('i');
    lazy.warning('w');
    lazy.error('e');
    lazy.critical('c');
    expect(create).toHaveBeenCalledTimes(1);
    expect(target.lines).toEqual(['debug d', 'info i', 'warning w', 'error e', 'critical c']);
    await lazy.close();
    expect(target.closed()).toBe(true);
  });
});
