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

export function processIo(): CliIo {
  return { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env };
}
