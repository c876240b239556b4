import { describeSource } from './describe';
import { table } from './list-keys';

describe('describeSource', () => {
  it('names every source in words', () => {
    expect(describeSource('env')).toBe('environment variable');
    expect(describeSource('keyring')).toBe('OS keyring');
    expect(describeSource('file')).toBe('encrypted key file');
    expect(describeSource('other')).toBe('other');
  });
});

describe('table', () => {
  it('aligns columns', () => {
    expect(table(['A', 'BB'], [['xxx', 'y']])).toEqual(['A    BB', 'xxx  y']);
  });
});
