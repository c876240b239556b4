import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { ConfigurationError } from '@localagent/errors';
import { removeDir, tempDir } from '../test/support/fixtures';
import { loadSecurityConfig, SECURITY_SCHEMA, validateSecurityConfig } from './security-config';

const DEFAULTS = {
  encryption: { algorithm: 'AES-256-GCM', key_derivation: 'PBKDF2', iterations: 600_000 },
  storage: { primary: 'keyring', fallback: 'encrypted_file' },
  keyring: { driver: 'napi', timeout_ms: 3000 },
  audit: { enabled: true },
  providers: {},
};

describe('loadSecurityConfig', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir('la-config-');
  });
  afterEach(() => removeDir(dir));

  const write = (text: string): string => {
    const path = join(dir, 'config.yaml');
    writeFileSync(path, text);
    return path;
  };

  it('embeds the schema shipped as config/security_schema.yaml', () => {
    expect(SECURITY_SCHEMA).toEqual(
      parse(readFileSync(join(__dirname, '..', 'config', 'security_schema.yaml'), 'utf8')),
    );
  });

  it('applies the defaults to a missing or empty section', async () => {
    await expect(loadSecurityConfig(write('logging:\n  level: debug\n'))).resolves.toEqual(
      DEFAULTS,
    );
    await expect(loadSecurityConfig(write(''))).resolves.toEqual(DEFAULTS);
    await expect(loadSecurityConfig(write('security:\n'))).resolves.toEqual(DEFAULTS);
  });

  it('returns the validated section with defaults filled in', async () => {
    const config = await loadSecurityConfig(
      write(`security:
  encryption: { key_derivation: scrypt }
  storage: { primary: encrypted_file, fallback: none }
  keyring: { driver: keytar }
  providers:
    my-llm: { env: [MY_LLM_TOKEN], key_pattern: '^ml-', base_url: 'http://127.0.0.1:9/v1', auth: x-api-key }
`),
    );
    expect(config.encryption).toEqual({
      algorithm: 'AES-256-GCM',
      key_derivation: 'scrypt',
      iterations: 600_000,
    });
    expect(config.storage).toEqual({ primary: 'encrypted_file', fallback: 'none' });
    expect(config.keyring.driver).toBe('keytar');
    expect(config.providers['my-llm']).toEqual({
      env: ['MY_LLM_TOKEN'],
      key_pattern: '^ml-',
      base_url: 'http://127.0.0.1:9/v1',
      auth: 'x-api-key',
    });
  });

  it('names the path and the allowed values of every problem', async () => {
    const error = await loadSecurityConfig(
      write(`security:
  encryption: { iterations: 1000, key_derivation: argon2, colour: blue }
  storage: { primary: plaintext }
  providers:
    Bad Name: {}
    ok: { auth: basic }
`),
    ).catch((e: unknown) => e);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain('security.encryption.iterations must be >= 100000');
    expect(message).toContain('security.encryption.key_derivation must be one of: PBKDF2, scrypt');
    expect(message).toContain(
      'security.encryption.colour is not a known field; known fields: algorithm, key_derivation, iterations',
    );
    expect(message).toContain('security.storage.primary must be one of: keyring, encrypted_file');
    expect(message).toContain('security.providers has an invalid provider name "Bad Name"');
    expect(message).toContain(
      'security.providers.ok.auth must be one of: bearer, x-api-key, x-goog-api-key, api-key',
    );
    expect((error as ConfigurationError).details['problems']).toHaveLength(6);
  });

  it('rejects YAML errors, a non-mapping document and a missing explicit file', async () => {
    await expect(loadSecurityConfig(write('security: [unclosed'))).rejects.toThrow(
      /not valid YAML/,
    );
    await expect(loadSecurityConfig(write('- a\n- b\n'))).rejects.toThrow(/mapping/);
    await expect(loadSecurityConfig(join(dir, 'missing.yaml'))).rejects.toThrow(/Cannot read/);
    expect(() => validateSecurityConfig('text')).toThrow(ConfigurationError);
  });

  it('reads config.yaml in the default config dir (LOCALAGENT_CONFIG_DIR), and defaults when it is absent', async () => {
    const saved = process.env['LOCALAGENT_CONFIG_DIR'];
    process.env['LOCALAGENT_CONFIG_DIR'] = dir;
    try {
      await expect(loadSecurityConfig()).resolves.toEqual(DEFAULTS);
      write('security:\n  audit: { enabled: false }\n');
      await expect(loadSecurityConfig()).resolves.toMatchObject({ audit: { enabled: false } });
    } finally {
      if (saved === undefined) delete process.env['LOCALAGENT_CONFIG_DIR'];
      else process.env['LOCALAGENT_CONFIG_DIR'] = saved;
    }
  });
});
