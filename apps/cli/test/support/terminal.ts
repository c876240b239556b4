import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';

/**
 * Real pseudo-terminals through util-linux `script` (in bsdutils, which every Debian system has):
 * what a test writes to script's stdin is typed on the terminal, and script's stdout is the screen.
 */
export const hasScript = spawnSync('script', ['--version'], { encoding: 'utf8' }).status === 0;

/** ANSI escapes and carriage returns removed, so a test can look for words on the screen. */
export function plain(screen: string): string {
  // eslint-disable-next-line no-control-regex -- removing the terminal's escape sequences is the point
  return screen.replace(/\u001b\[[0-9;?]*[A-Za-z]/g, '').replace(/\r/g, '');
}

export interface TerminalRun {
  code: number | null;
  /** Everything the command wrote to the terminal (its stdout and stderr), escapes removed. */
  screen: string;
  /** The answers that were never typed, because their prompt did not appear. */
  unanswered: string[];
}

/**
 * Runs `command` with a pseudo-terminal as its controlling terminal (its own stdin/stdout/stderr
 * too, unless the command redirects them) and types each answer once its prompt is on the screen
 * (typing earlier would be echoed by the terminal before the prompt turns echo off).
 */
export function onTerminal(
  command: string,
  options: { env: NodeJS.ProcessEnv; answers: Array<[prompt: string, answer: string]> },
): Promise<TerminalRun> {
  return new Promise((done, fail) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], {
      env: { ...options.env, TERM: 'xterm' },
    });
    const answers = [...options.answers];
    let screen = '';
    let seen = 0; // a prompt asked again (after a mistake) must be found after the previous answer
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      const next = answers[0];
      const at = next === undefined ? -1 : plain(screen).indexOf(next[0], seen);
      if (next !== undefined && at >= 0) {
        answers.shift();
        seen = at + next[0].length;
        setTimeout(() => child.stdin.write(`${next[1]}\r`), 50);
      }
    });
    child.on('error', fail);
    child.on('close', (code) =>
      done({ code, screen: plain(screen), unanswered: answers.map(([prompt]) => prompt) }),
    );
  });
}

/** A pseudo-terminal this process can open by path, as a controlling terminal would be, and type on. */
export interface SpareTerminal {
  path: string;
  /** Resolves once `text` is on the terminal's screen. */
  waitFor(text: string): Promise<void>;
  type(text: string): void;
  close(): Promise<void>;
}

/** A pseudo-terminal held open by `script` running `sleep`, which reads nothing from it (so this process can). */
export function spareTerminal(): Promise<SpareTerminal> {
  return new Promise((done, fail) => {
    const child: ChildProcessWithoutNullStreams = spawn(
      'script',
      ['-qefc', 'echo $$; tty; exec sleep 60', '/dev/null'],
      { env: { PATH: process.env['PATH'] ?? '', TERM: 'xterm' } },
    );
    let screen = '';
    const waiters: Array<{ text: string; resolve: () => void }> = [];
    child.on('error', fail);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      screen += chunk;
      const [, pid, path] = /^(\d+)\r?\n(\/dev\/\S+)\r?\n/.exec(screen) ?? [];
      if (pid !== undefined && path !== undefined && !started) {
        started = true;
        done({
          path,
          waitFor: (text) =>
            new Promise((resolve) => {
              waiters.push({ text, resolve });
              check();
            }),
          type: (text) => child.stdin.write(text),
          // script outlives a SIGTERM by seconds; ending sleep ends it at once
          close: () =>
            new Promise<void>((closed) => {
              child.once('close', () => closed());
              process.kill(Number(pid));
            }),
        });
      }
      check();
    });
    let started = false;
    function check(): void {
      for (const waiter of [...waiters]) {
        if (plain(screen).includes(waiter.text)) {
          waiters.splice(waiters.indexOf(waiter), 1);
          waiter.resolve();
        }
      }
    }
  });
}
