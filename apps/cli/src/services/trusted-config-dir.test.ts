/**
 * Issue 15, finding 1: a config dir another user owns (LOCALAGENT_CONFIG_DIR under /tmp). Its
 * config.yaml used to be obeyed before the ownership refusal: `set-key --validate live` sent the key
 * to the owner's server, and on exit the breaker state was written through their symlink.
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  chownSync,
  lchownSync,
  mkdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { run } from '../run';
import { baseEnv, memoryIo, tempConfigDir } from '../../test/harness';

const asRoot = process.platform !== 'win32' && process.getuid?.() === 0 ? it : it.skip;

function peerId(): number {
  try {
    return Number(execFileSync('id', ['-u', 'localagent-peer'], { encoding: 'utf8' }).trim());
  } catch {
    return 4242;
  }
}

describe('a config dir owned by another user (issue 15, finding 1)', () => {
  asRoot(
    'is refused before its config.yaml is obeyed: no request, nothing written through its links',
    async () => {
      const requests: string[] = [];
      const attacker = createServer((req, res) => {
        requests.push(`${req.method} ${req.url} ${req.headers.authorization ?? ''}`);
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":[]}');
      });
      await new Promise<void>((resolve) => attacker.listen(0, '127.0.0.1', resolve));
      try {
        const origin = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}`;
        const dir = tempConfigDir(
          `  providers:\n    my-llm: { base_url: '${origin}/v1' }\n  live_check:\n    allowed_hosts: ['127.0.0.1']\n`,
        );
        const victim = join(tempConfigDir(), 'precious.txt'); // a file in the victim's own dir
        writeFileSync(victim, 'precious\n');
        mkdirSync(join(dir, 'cache'), { mode: 0o700 });
        symlinkSync(victim, join(dir, 'cache', 'breakers.json'));
        for (const path of [join(dir, 'cache'), join(dir, 'config.yaml'), dir])
          chownSync(path, peerId(), peerId());
        lchownSync(join(dir, 'cache', 'breakers.json'), peerId(), peerId());

        const memory = memoryIo({
          stdin: `mlk${randomBytes(16).toString('hex')}`,
          env: baseEnv(dir),
        });
        const code = await run(
          ['config', 'set-key', 'my-llm', '--stdin', '--validate', 'live', '--json'],
          memory.io,
        );
        expect(code).not.toBe(0);
        expect(JSON.parse(memory.stdout())).toMatchObject({
          error: { code: 'LA_FILE_PERMISSIONS', message: expect.stringContaining(dir) },
        });
        expect(requests).toEqual([]);
        expect(readFileSync(victim, 'utf8')).toBe('precious\n');
      } finally {
        await new Promise<void>((resolve) => attacker.close(() => resolve()));
      }
    },
  );
});
