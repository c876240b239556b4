/**
 * transient: retrying may succeed; permanent: retrying will not help and it is not the user's to fix;
 * user: the user must act; system: the local environment failed.
 */
export type ErrorCategory = 'transient' | 'permanent' | 'user' | 'system';
