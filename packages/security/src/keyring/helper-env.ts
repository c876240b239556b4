/**
 * The environment the keyring helper process gets: what the OS keyring drivers and Node need to
 * start and reach the keyring, nothing else. The helper is a separate process whose environment
 * any process of the same user can read (`/proc/<pid>/environ`), so the master password and other
 * providers' keys must not be copied into it.
 */

/** Kept when present (compared upper-cased: Windows names are case-insensitive, `Path` is `PATH`). */
const KEPT_NAMES = new Set([
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'LANG',
  'LANGUAGE',
  'TMPDIR',
  // Windows: Node and the Credential Manager calls need the system and profile locations
  'SYSTEMROOT',
  'SYSTEMDRIVE',
  'WINDIR',
  'APPDATA',
  'LOCALAPPDATA',
  'USERPROFILE',
  'USERNAME',
  'TEMP',
  'TMP',
]);

/** The Secret Service is reached through the D-Bus session bus, found through these. */
const KEPT_PREFIXES = ['DBUS_', 'XDG_', 'LC_'];

/** Never passed on, even under a kept prefix (`XDG_FOO_TOKEN`): this package's settings and anything secret-looking. */
const SECRET_NAME = /^LOCALAGENT_|_API_KEY$|_TOKEN$|_KEY$|SECRET|PASSWORD/;

export function helperEnvironment(
  env: Readonly<Record<string, string | undefined>>,
): Record<string, string> {
  const kept: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    const upper = name.toUpperCase();
    if (value === undefined || SECRET_NAME.test(upper)) continue;
    if (KEPT_NAMES.has(upper) || KEPT_PREFIXES.some((prefix) => upper.startsWith(prefix)))
      kept[name] = value;
  }
  return kept;
}
