import { loadKeyringBackendSafely, unavailableBackend } from './keyring-loader';

describe('loadKeyringBackendSafely', () => {
  it('never throws: a loader failure is a backend whose probe says why', async () => {
    const backend = await loadKeyringBackendSafely('keytar', { timeoutMs: 100 }, () =>
      Promise.reject(new Error('cannot load')),
    );
    await expect(backend.probe()).resolves.toEqual({
      usable: false,
      driver: 'keytar',
      reasonCode: 'module-missing',
      reason: 'the keyring driver could not be loaded (cannot load)',
    });
    await expect(backend.get('s', 'a')).rejects.toThrow('cannot load');
  });

  it('returns the drivers module’s backend for the configured driver', async () => {
    const backend = await loadKeyringBackendSafely('napi', { timeoutMs: 100, env: {} });
    expect(backend.driver).toBe('napi');
    (backend as unknown as { close?: () => void }).close?.();
    expect(unavailableBackend('napi', 'x', 'no-dbus').driver).toBe('napi');
  });
});
