/** Where new keys go: the OS keyring with the encrypted file as fallback, the keyring only, or the file only. */
export type StorageMode = 'auto' | 'keyring' | 'file';
export const STORAGE_MODES: readonly StorageMode[] = ['auto', 'keyring', 'file'];

/** How a key is checked before it is stored: its shape, a cheap authenticated call, or not at all. */
export type ValidationMode = 'format' | 'live' | 'none';
export const VALIDATION_MODES: readonly ValidationMode[] = ['format', 'live', 'none'];

/** The files the key store keeps in the config directory. */
export const KEY_FILE_NAME = 'keys.enc';
export const AUDIT_FILE_NAME = 'audit.log';
