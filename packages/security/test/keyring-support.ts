import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import * as ts from 'typescript';

/**
 * Shared pieces of the keyring tests: the real-keyring gate, throwaway names, a private
 * gnome-keyring on a private D-Bus (for the locked case, which must not lock the session's
 * keyring under the other test files), a hung D-Bus socket, and a scan for plaintext.
 */

/** The real-keyring tests run under scripts/with-keyring.sh (LA_TEST_KEYRING) and always in CI, where a missing Secret Service fails them. */
export const REAL_KEYRING =
  process.env['LA_TEST_KEYRING'] === 'secret-service' || process.env['CI'] === 'true';

export const SKIP_NOTE =
  'real Secret Service tests skipped: run them with `LA_TEST_COMMAND="pnpm exec jest packages/security/test/keyring --selectProjects security" dbus-run-session -- bash scripts/with-keyring.sh` (CI always runs them)';

export const DRIVERS = ['napi', 'keytar'] as const;

/** A service name no real user has, unique per run, so parallel runs never see each other's items. */
export function testService(label: string): string {
  return `localagent-test-${label}-${process.pid}-${randomBytes(4).toString('hex')}`;
}

/** A fake key built at run time (never committed): unicode on purpose, to test the encoding end to end. */
export function fakeSecret(): string {
  return ['sk', 'proj', 'A'.repeat(20) + randomBytes(8).toString('hex')].join('-');
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export function which(command: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(delimiter)) {
    const candidate = join(dir, command);
    if (dir !== '' && existsSync(candidate)) return candidate;
  }
  return undefined;
}

/** Files under `roots` (recursively, skipping unreadable ones) whose bytes contain `needle`. */
export function filesContaining(roots: string[], needle: string, since = 0): string[] {
  const bytes = Buffer.from(needle, 'utf8');
  const hits: string[] = [];
  const visit = (path: string, depth: number): void => {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return;
    }
    if (stat.isDirectory()) {
      if (depth > 6) return;
      let names: string[] = [];
      try {
        names = readdirSync(path);
      } catch {
        return;
      }
      for (const name of names) visit(join(path, name), depth + 1);
    } else if (stat.isFile() && stat.mtimeMs >= since && stat.size < 8 * 1024 * 1024) {
      try {
        if (readFileSync(path).includes(bytes)) hits.push(path);
      } catch {
        // unreadable (another user's file): not ours
      }
    }
  };
  for (const root of roots) visit(root, 0);
  return hits;
}

function readLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let buffer = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      buffer += chunk.toString();
      const end = buffer.indexOf('\n');
      if (end >= 0) resolve(buffer.slice(0, end).trim());
    });
    child.on('error', reject);
    child.on('exit', (code) => reject(new Error(`exited (${code}) before printing a line`)));
  });
}

function run(
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const BARE_BUS_CONFIG = (
  dir: string,
): string => `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=${dir}</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`;

/**
 * A private D-Bus session bus without service activation (so nothing starts a Secret Service
 * behind the test's back), optionally with an unlocked gnome-keyring on it whose files live in a
 * temp dir. `env` is what a backend needs to use it.
 */
export class PrivateBus {
  readonly dir: string;
  env: Record<string, string> = {};
  #processes: ChildProcess[] = [];

  private constructor(dir: string) {
    this.dir = dir;
  }

  static async start(options: { keyring: boolean }): Promise<PrivateBus> {
    const bus = new PrivateBus(tempDir('la-kr-bus-'));
    writeFileSync(join(bus.dir, 'bus.conf'), BARE_BUS_CONFIG(bus.dir));
    const daemon = spawn(
      'dbus-daemon',
      [`--config-file=${join(bus.dir, 'bus.conf')}`, '--nofork', '--print-address=1'],
      {
        stdio: ['ignore', 'pipe', 'ignore'],
      },
    );
    bus.#processes.push(daemon);
    const address = await readLine(daemon);
    bus.env = {
      PATH: process.env['PATH'] ?? '',
      HOME: bus.dir,
      XDG_DATA_HOME: bus.dir,
      XDG_RUNTIME_DIR: bus.dir,
      DBUS_SESSION_BUS_ADDRESS: address,
    };
    if (options.keyring) {
      const keyring = spawn(
        'gnome-keyring-daemon',
        ['--foreground', '--unlock', '--components=secrets'],
        {
          env: bus.env,
          stdio: ['pipe', 'ignore', 'ignore'],
        },
      );
      bus.#processes.push(keyring);
      keyring.stdin?.end(randomBytes(12).toString('hex'));
      for (let attempt = 0; !(await bus.nameHasOwner('org.freedesktop.secrets')); attempt++) {
        if (attempt > 100)
          throw new Error('gnome-keyring did not register org.freedesktop.secrets');
        await new Promise((r) => setTimeout(r, 50));
      }
    }
    return bus;
  }

  async nameHasOwner(name: string): Promise<boolean> {
    const result = await this.gdbus([
      '--dest',
      'org.freedesktop.DBus',
      '--object-path',
      '/org/freedesktop/DBus',
      '--method',
      'org.freedesktop.DBus.NameHasOwner',
      name,
    ]);
    return result.includes('true');
  }

  /** Locks the login collection, as the screen locker or `secret-tool lock` would. */
  async lockLogin(): Promise<void> {
    await this.gdbus([
      '--dest',
      'org.freedesktop.secrets',
      '--object-path',
      '/org/freedesktop/secrets',
      '--method',
      'org.freedesktop.Secret.Service.Lock',
      "['/org/freedesktop/secrets/collection/login']",
    ]);
  }

  async gdbus(args: string[]): Promise<string> {
    const result = await run('gdbus', ['call', '--session', ...args], {
      ...process.env,
      ...this.env,
    });
    if (result.code !== 0) throw new Error(`gdbus ${args.join(' ')} failed: ${result.stderr}`);
    return result.stdout;
  }

  stop(): void {
    for (const child of this.#processes.reverse()) child.kill('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** A unix socket that accepts D-Bus connections and never answers: a hung Secret Service, at the transport level. */
export async function hungBus(
  dir: string,
): Promise<{ address: string; connections: () => number; close: () => Promise<void> }> {
  const path = join(dir, 'hung.sock');
  const sockets: Socket[] = [];
  const server: Server = createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(path, resolve));
  return {
    address: `unix:path=${path}`,
    connections: () => sockets.length,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

const PACKAGE_DIR = join(__dirname, '..');

/**
 * Compiles src/keyring to plain CommonJS in `outDir/keyring` (as tsup would) with a node_modules
 * holding @localagent/errors and, when `withDrivers`, the two driver modules: a real Node process,
 * outside jest's module system, can then load the drivers module the way the built package does.
 */
export function compileKeyring(outDir: string, withDrivers: boolean): string {
  const srcDir = join(PACKAGE_DIR, 'src', 'keyring');
  const target = join(outDir, 'keyring');
  mkdirSync(target, { recursive: true });
  const compile = (from: string, to: string): void => {
    const { outputText } = ts.transpileModule(readFileSync(from, 'utf8'), {
      compilerOptions: {
        module: ts.ModuleKind.CommonJS,
        target: ts.ScriptTarget.ES2022,
        esModuleInterop: true,
      },
    });
    writeFileSync(to, outputText);
  };
  for (const name of readdirSync(srcDir).filter(
    (n) => n.endsWith('.ts') && !n.endsWith('.test.ts'),
  )) {
    compile(join(srcDir, name), join(target, name.replace(/\.ts$/, '.js')));
  }
  // the one module outside keyring/ that it imports: where the package reads process.env
  compile(join(PACKAGE_DIR, 'src', 'environment.ts'), join(outDir, 'environment.js'));
  const link = (specifier: string): void => {
    const from = join(outDir, 'node_modules', specifier);
    mkdirSync(dirname(from), { recursive: true });
    symlinkSync(realpathSync(join(PACKAGE_DIR, 'node_modules', specifier)), from);
  };
  link('@localagent/errors');
  if (withDrivers) {
    link('@napi-rs/keyring');
    link('keytar');
  }
  return join(target, 'index.js');
}

/** Runs `source` in a fresh Node process; resolves when it exits (by itself: nothing kills it). */
export function runNodeScript(
  dir: string,
  source: string,
  env: NodeJS.ProcessEnv,
  extension: '.js' | '.mjs' = '.js',
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const file = join(dir, `script-${randomBytes(4).toString('hex')}${extension}`);
  writeFileSync(file, source);
  return run(process.execPath, [file], env);
}
