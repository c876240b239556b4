import { writeFileSync } from 'node:fs';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fakeKeys, removeDir, tempDir } from './support/fixtures';
import { assertBuilt, loadDist, run, writeScript } from './support/dist';
import { REAL_KEYRING, SKIP_NOTE } from './keyring-support';

// Finding 3 of issue 14: two simultaneous `rotate-key` runs for one provider both succeeded and one
// new key silently disappeared. Rotation is now a compare-and-set under the config dir's lock.
// Both processes are held inside their live check (a local provider answers only once both asked),
// so both have read the old key before either writes: a real race every round, not a lucky one.
jest.setTimeout(180_000);

const PASSWORD = 'race pass phrase';
const ROUNDS = 10;

/** A provider whose /models answers 200 only once `expected` requests are waiting. */
async function barrierProvider(
  expected: number,
): Promise<{ server: Server; base: string; release: () => void }> {
  let waiting: ServerResponse[] = [];
  const release = (): void => {
    for (const res of waiting) res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    waiting = [];
  };
  const server = createServer((_req, res) => {
    waiting.push(res);
    if (waiting.length >= expected) release();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}/v1`, release };
}

interface Outcome {
  ok: boolean;
  code?: string;
  store?: string;
  currentFingerprint?: string;
}

describe.each([
  ['the encrypted file', 'file', true],
  ['the real Secret Service', 'keyring', REAL_KEYRING],
] as const)('two concurrent rotations of one key in %s', (_title, storage, enabled) => {
  const maybe = enabled ? it : it.skip;
  if (!enabled) process.stderr.write(`rotation-race.test.ts (${storage}): ${SKIP_NOTE}\n`);
  let dir: string;
  beforeAll(assertBuilt);
  beforeEach(() => {
    dir = tempDir('la-race-');
  });
  afterEach(() => removeDir(dir));

  maybe(
    `exactly one wins each of ${ROUNDS} rounds; the other fails with LA_KEY_CONFLICT naming the winner; nothing is lost`,
    async () => {
      const configDir = join(dir, 'config');
      // the local provider is a new host: config.yaml allows it (the environment variable alone cannot)
      const configFile = join(dir, 'config.yaml');
      writeFileSync(configFile, "security:\n  live_check:\n    allowed_hosts: ['127.0.0.1']\n");
      const provider = await barrierProvider(2);
      const env = {
        LOCALAGENT_OPENAI_BASE_URL: provider.base,
        DBUS_SESSION_BUS_ADDRESS: process.env['DBUS_SESSION_BUS_ADDRESS'],
      };
      const options = {
        configDir,
        storage,
        masterPassword: PASSWORD,
        env,
        configFile,
      };
      const script = writeScript(
        dir,
        'rotate.cjs',
        `const { SecureKeyManager } = require(DIST);
         (async () => {
           const m = await SecureKeyManager.create({ ...${JSON.stringify(options)}, encryption: { iterations: 100000 } });
           try {
             const r = await m.rotateKey('openai', process.argv[2], { validate: 'live' });
             process.stdout.write(JSON.stringify({ ok: true, store: r.store }));
           } catch (error) {
             process.stdout.write(JSON.stringify({ ok: false, code: error.code, currentFingerprint: error.details && error.details.currentFingerprint }));
           } finally {
             m.close();
           }
         })();`,
      );
      const { SecureKeyManager, fingerprint, PROVIDERS } = loadDist();
      const admin = await SecureKeyManager.create({
        ...options,
        encryption: { iterations: 100_000 },
      });
      try {
        await admin.storeKey('openai', fakeKeys.openai());
        for (let round = 0; round < ROUNDS; round += 1) {
          const candidates = [fakeKeys.openai(), fakeKeys.openai()];
          const results = await Promise.all(candidates.map((key) => run(script, [key])));
          const outcomes = results.map((r) => JSON.parse(r.stdout || '{}') as Outcome);
          const winners = outcomes.filter((o) => o.ok);
          const losers = outcomes.filter((o) => !o.ok);
          expect({ round, winners: winners.length }).toEqual({ round, winners: 1 });
          expect(losers).toEqual([
            { ok: false, code: 'LA_KEY_CONFLICT', currentFingerprint: expect.any(String) },
          ]);
          expect(winners[0]?.store).toBe(storage);
          const winner = candidates[outcomes.findIndex((o) => o.ok)] as string;
          // the stored key is the winner's, and the loser named it
          await expect(admin.retrieveKey('openai')).resolves.toBe(winner);
          expect(losers[0]?.currentFingerprint).toBe(fingerprint(PROVIDERS['openai']!, winner));
          expect(
            (await admin.listKeys()).filter((k) => k.provider === 'openai').map((k) => k.source),
          ).toEqual([storage]);
        }
      } finally {
        await admin.deleteKey('openai').catch(() => false);
        admin.close();
        provider.release();
        await new Promise((resolve) => provider.server.close(resolve));
      }
    },
  );
});
