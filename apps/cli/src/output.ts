import type { CliIo } from './io.js';

export interface OutputOptions {
  /** Machine-readable mode: stdout carries exactly one JSON document. */
  json: boolean;
  /** Suppress notices (stderr chatter); results and errors still print. */
  quiet: boolean;
  /** ANSI colour on stderr; off when NO_COLOR is set or stderr is not a terminal. */
  color: boolean;
}

/** Colour is a courtesy: only on a terminal, and never when NO_COLOR is set (https://no-color.org). */
export function isColorEnabled(io: Pick<CliIo, 'env' | 'stderr'>): boolean {
  const noColor = io.env['NO_COLOR'];
  if (noColor !== undefined && noColor !== '') return false;
  return io.stderr.isTTY === true;
}

/**
 * The only module that writes to the terminal: results on stdout (text, or one JSON document with
 * `--json`), notices, warnings and errors on stderr.
 */
export class Output {
  private resultWritten = false;

  constructor(
    private readonly io: CliIo,
    readonly options: OutputOptions,
  ) {}

  get json(): boolean {
    return this.options.json;
  }

  /** The command's result: `human` lines in text mode, `json` in JSON mode. Written once. */
  result(human: string | readonly string[], json: unknown): void {
    if (this.resultWritten)
      throw new Error('Output.result called twice: stdout must hold one document');
    this.resultWritten = true;
    if (this.options.json) {
      this.io.stdout.write(`${JSON.stringify(json, null, 2)}\n`);
      return;
    }
    const text = typeof human === 'string' ? human : human.join('\n');
    if (text !== '') this.io.stdout.write(`${text}\n`);
  }

  /** Progress and hints on stderr; silenced by --quiet. */
  notice(text: string): void {
    if (!this.options.quiet) this.io.stderr.write(`${text}\n`);
  }

  /** A warning on stderr; --quiet silences it too ("results and errors only"). */
  warn(text: string): void {
    if (this.options.quiet) return;
    this.io.stderr.write(`${this.paint('33', 'Warning:')} ${text}\n`);
  }

  /** A failure: the human text on stderr and, with --json, the error document on stdout. */
  failure(humanText: string, jsonError: Record<string, unknown>): void {
    this.io.stderr.write(`${this.paint('31', humanText)}\n`);
    if (this.options.json && !this.resultWritten) {
      this.resultWritten = true;
      this.io.stdout.write(`${JSON.stringify({ error: jsonError }, null, 2)}\n`);
    }
  }

  /** Mark text with an ANSI colour when colour is enabled (stderr only). */
  paint(sgr: string, text: string): string {
    return this.options.color ? `\u001b[${sgr}m${text}\u001b[0m` : text;
  }
}

/** `localagent --version` (or `-V`) alone: answered before commander is even loaded. */
export function isVersionRequest(argv: readonly string[]): boolean {
  return argv.length === 1 && (argv[0] === '--version' || argv[0] === '-V');
}

export function writeVersion(stream: NodeJS.WritableStream, version: string): void {
  writeRaw(stream, `${version}\n`);
}

/** Text commander produced (help, its own messages), verbatim. */
export function writeRaw(stream: NodeJS.WritableStream, text: string): void {
  stream.write(text);
}
