/** Everything the CLI touches outside itself, injectable so `run()` can be tested in-process. */
export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean | undefined };
  stdout: NodeJS.WritableStream & { isTTY?: boolean | undefined };
  stderr: NodeJS.WritableStream & { isTTY?: boolean | undefined };
  env: Record<string, string | undefined>;
  /** Masked prompt for a secret; defaults to @inquirer/password on the terminal. */
  promptSecret?: (message: string) => Promise<string>;
  /** Yes/no question; defaults to a readline question on the terminal. */
  confirm?: (message: string) => Promise<boolean>;
}

/** The process's streams; stdin is only opened when a command reads it (creating it costs a few ms). */
export function processIo(): CliIo {
  return {
    get stdin() {
      return process.stdin;
    },
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
  };
}

/**
 * `localagent … | head -1` closes the pipe before the output is written: that is the reader's choice,
 * not a failure, so EPIPE is ignored (the command still finishes and closes its files). Anything else
 * is rethrown.
 */
export function ignoreClosedPipe(stream: NodeJS.EventEmitter): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code !== 'EPIPE') throw error;
  });
}
