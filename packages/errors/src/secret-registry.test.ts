import { trieSource } from './secret-registry';

describe('trieSource', () => {
  it('matches every value and nothing shorter, longest first', () => {
    // eslint-disable-next-line security/detect-non-literal-regexp -- test of the generated source
    const re = new RegExp(trieSource(['abc', 'abcdef', 'abd', 'x.y', 'q']), 'g');
    expect('abcdef abc abd abx x.y xzy q'.replace(re, '#')).toBe('# # # abx # xzy #');
  });
});
