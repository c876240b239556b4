import { KeyringUnavailableError } from '@localagent/errors';
import { classifyKeyringMessage, keyringError, keyringErrorReason, reasonText } from './reasons';

// The exact messages the drivers gave on this machine (libdbus in @napi-rs/keyring's Entry, zbus in
// its findCredentials, libsecret in keytar), one per condition.
const OBSERVED: Array<[string, string]> = [
  [
    'Platform failure: DBus error: Using X11 for dbus-daemon autolaunch was disabled at compile time, set your DBUS_SESSION_BUS_ADDRESS instead',
    'no-dbus',
  ],
  [
    'Platform failure: DBus error: Failed to connect to socket /tmp/x.sock: No such file or directory',
    'no-dbus',
  ],
  [
    'zbus error: Failed to connect to address `unix:path=/run/user/0/bus`: No such file or directory (os error 2)',
    'no-dbus',
  ],
  ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'no-dbus'],
  ['Could not connect: No such file or directory', 'no-dbus'],
  [
    'Platform failure: DBus error: The name org.freedesktop.secrets was not provided by any .service files',
    'no-secret-service',
  ],
  [
    'zbus error: org.freedesktop.DBus.Error.ServiceUnknown: The name org.freedesktop.secrets was not provided by any .service files',
    'no-secret-service',
  ],
  ["Couldn't access platform storage: Secret Service: unlock prompt was dismissed", 'locked'],
  [
    'zbus error: org.freedesktop.Secret.Error.IsLocked: Cannot get secret of a locked object',
    'locked',
  ],
  ['Cannot create an item in a locked collection', 'locked'],
  ['Entry is matched by 2 credentials: Ambiguous', 'error'],
];

describe('classifyKeyringMessage', () => {
  it.each(OBSERVED)('%s → %s', (message, code) => {
    expect(classifyKeyringMessage(message)).toBe(code);
  });
});

describe('keyringError', () => {
  it('a timeout carries LA_KEYRING_TIMEOUT and is retryable', () => {
    const error = keyringError({
      driver: 'napi',
      reasonCode: 'timeout',
      operation: 'get',
      detail: 'no answer within 3000 ms',
    });
    expect(KeyringUnavailableError.isInstance(error)).toBe(true);
    expect(error.code).toBe('LA_KEYRING_TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(
      'Keyring get through @napi-rs/keyring failed: the keyring did not answer in time (a hung Secret Service or an unanswered unlock prompt) (no answer within 3000 ms).',
    );
    expect(keyringErrorReason(error)).toEqual({
      reasonCode: 'timeout',
      driverMessage: 'no answer within 3000 ms',
    });
  });

  it('other reasons keep LA_KEYRING_UNAVAILABLE and say what to do', () => {
    const error = keyringError({ driver: 'keytar', reasonCode: 'locked', operation: 'set' });
    expect(error.code).toBe('LA_KEYRING_UNAVAILABLE');
    expect(error.message).toBe(
      'Keyring set through keytar failed: the keyring collection is locked.',
    );
    expect(error.suggestion).toContain('Unlock');
    expect(keyringErrorReason(error)).toEqual({ reasonCode: 'locked' });
  });

  it('reads any other error as reason "error"', () => {
    expect(keyringErrorReason(new Error('boom'))).toEqual({
      reasonCode: 'error',
      driverMessage: 'boom',
    });
    expect(keyringErrorReason('boom')).toEqual({ reasonCode: 'error', driverMessage: 'boom' });
    expect(
      keyringErrorReason(
        new KeyringUnavailableError({ message: 'x', details: { reasonCode: 'bogus' } }),
      ),
    ).toMatchObject({ reasonCode: 'error' });
  });

  it('names the module and how to install it', () => {
    expect(reasonText('module-missing', 'keytar').suggestion).toContain('libsecret-1-dev');
    expect(reasonText('module-missing', 'napi').suggestion).toContain(
      'npm install @napi-rs/keyring',
    );
    expect(reasonText('no-secret-service', 'napi').suggestion).toContain('gnome-keyring-daemon');
    expect(reasonText('error', 'napi').suggestion).toContain('localagent doctor');
  });
});
