import { KeyInArgvError } from './cli-errors';
import { checkProviderName, isDebug, oneOf, refuseExtraArguments } from './global-options';

describe('argument checks', () => {
  it('accepts allowed values and names the allowed ones otherwise', () => {
    expect(oneOf('--validate', 'live', ['format', 'live', 'none'])).toBe('live');
    expect(() => oneOf('--validate', 'maybe', ['format', 'live'])).toThrow(
      'Invalid value for --validate: "maybe". Allowed: format, live.',
    );
  });

  it('checks provider names without echoing a long value (it may be a pasted key)', () => {
    expect(checkProviderName('azure-openai')).toBe('azure-openai');
    expect(() => checkProviderName('OpenAI')).toThrow('Invalid provider name "OpenAI"');
    const long = `Provider${'x'.repeat(40)}`;
    expect(() => checkProviderName(long)).toThrow(/"Prov…"/);
  });

  it('refuses a key typed where the provider goes, so it never reaches the audit log', () => {
    const pasted = [`sk-${'z'.repeat(40)}`, `sk-${'Z'.repeat(40)}`, 'a1b2c3d4'.repeat(5)];
    for (const key of pasted) {
      let caught: unknown;
      try {
        checkProviderName(key);
      } catch (error) {
        caught = error;
      }
      expect(KeyInArgvError.isInstance(caught)).toBe(true);
      expect(JSON.stringify((caught as KeyInArgvError).toJSON())).not.toContain(key);
    }
  });

  it('refuses any extra positional argument, without echoing it', () => {
    expect(() => refuseExtraArguments('openai', [])).not.toThrow();
    expect(() => refuseExtraArguments('openai', ['secret-value'])).toThrow(/command-line argument/);
    try {
      refuseExtraArguments('openai', ['secret-value']);
    } catch (error) {
      expect(JSON.stringify((error as { toJSON(): unknown }).toJSON())).not.toContain(
        'secret-value',
      );
    }
  });

  it('treats LOCALAGENT_DEBUG=1 as --debug', () => {
    expect(isDebug(true, {})).toBe(true);
    expect(isDebug(false, { LOCALAGENT_DEBUG: '1' })).toBe(true);
    expect(isDebug(false, { LOCALAGENT_DEBUG: 'true' })).toBe(true);
    expect(isDebug(false, { LOCALAGENT_DEBUG: '0' })).toBe(false);
  });
});
