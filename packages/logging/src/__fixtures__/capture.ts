import { Writable } from 'node:stream';

/** A writable stream that keeps what is written, for console output in tests. */
export class Capture extends Writable {
  text = '';
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.text += chunk.toString();
    done();
  }
  lines(): string[] {
    return this.text.split('\n').filter((l) => l !== '');
  }
  records(): Array<Record<string, unknown>> {
    return this.lines().map((l) => JSON.parse(l) as Record<string, unknown>);
  }
}
