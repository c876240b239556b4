export { startUnlockAgent } from './start-agent.js';
export type { StartUnlockAgentOptions, UnlockAgent, UnlockEntry } from './start-agent.js';
export { requestUnlockedKey, stopUnlockAgent, unlockAgentStatus } from './client.js';
export type { UnlockAgentStatus, UnlockAgentTarget } from './client.js';
export { unlockSocketPath } from './paths.js';
export { parseTtl, MAX_UNLOCK_TTL_MS, MIN_UNLOCK_TTL_MS } from './ttl.js';
