/**
 * A separate process for test/unlock-agent.test.ts, run from the sources with
 * `node -r ts-node/register` (TS_NODE_PROJECT=test/support/tsconfig.child.json):
 *
 *   start <configDir> <id> <ttlMs>   reads the key (hex) from stdin, starts the agent, prints
 *                                    `{"pid": …}` and exits (the agent must outlive it).
 *   get <configDir> <id>             prints the key the agent holds (hex), or "none".
 *
 * The environment is the test's (XDG_RUNTIME_DIR of a temp dir).
 */
import { readFileSync } from 'node:fs';
import { requestUnlockedKey, startUnlockAgent } from '../index';

async function main(): Promise<void> {
  const [command, configDir = '', id = '', ttl = ''] = process.argv.slice(2);
  // eslint-disable-next-line no-restricted-properties -- this process's entry point: it resolves its options here
  const env = { ...process.env };
  if (command === 'start') {
    const key = Buffer.from(readFileSync(0, 'utf8').trim(), 'hex');
    const agent = await startUnlockAgent({ configDir, env, entries: [{ id, key }], ttlMs: Number(ttl) });
    key.fill(0);
    process.stdout.write(`${JSON.stringify({ pid: agent.pid })}\n`);
    return;
  }
  const key = await requestUnlockedKey({ configDir, env, id, timeoutMs: 2000 });
  process.stdout.write(`${key === undefined ? 'none' : key.toString('hex')}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
});
