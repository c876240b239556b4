import { EventEmitter } from 'node:events';
import { ignoreClosedPipe } from './io';

describe('ignoreClosedPipe', () => {
  it('swallows EPIPE and rethrows anything else', () => {
    const stream = new EventEmitter();
    ignoreClosedPipe(stream);
    expect(() =>
      stream.emit('error', Object.assign(new Error('write EPIPE'), { code: 'EPIPE' })),
    ).not.toThrow();
    expect(() =>
      stream.emit('error', Object.assign(new Error('disk full'), { code: 'ENOSPC' })),
    ).toThrow('disk full');
  });
});
