import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One scripted reply. `destroy` drops the connection (before headers, or mid-body with `body` sent first). */
export interface Reply {
  status?: number;
  headers?: Record<string, string>;
  body?: string;
  /** Wait before sending headers. */
  delayMs?: number;
  destroy?: 'before-headers' | 'mid-body';
  /** Send `body`, then this after a pause. */
  trailingBody?: { afterMs: number; text: string };
}

export interface Hit {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface FlakyServer {
  url: string;
  hits: Hit[];
  /** Replies for the next requests, in order; after them every request gets `fallback`. */
  script(...replies: Reply[]): void;
  /** Drops the replies not used yet (a client that failed before sending leaves its reply queued). */
  clear(): void;
  close(): Promise<void>;
}

/** A real HTTP server on 127.0.0.1 (port 0) answering from a script: 429s, 503s, 529s, dropped sockets. */
export async function startFlakyServer(
  fallback: Reply = { status: 200, body: '{"ok":true}' },
): Promise<FlakyServer> {
  const queue: Reply[] = [];
  const hits: Hit[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      hits.push({
        method: req.method ?? '',
        url: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      });
      const reply = queue.shift() ?? fallback;
      const send = (): void => {
        if (reply.destroy === 'before-headers') {
          res.socket?.destroy();
          return;
        }
        res.writeHead(reply.status ?? 200, {
          'content-type': 'application/json',
          ...reply.headers,
        });
        if (reply.destroy === 'mid-body') {
          res.write(reply.body ?? '');
          setTimeout(() => res.socket?.destroy(), 20);
          return;
        }
        if (reply.trailingBody !== undefined) {
          const { afterMs, text } = reply.trailingBody;
          res.write(reply.body ?? '');
          setTimeout(() => res.end(text), afterMs);
          return;
        }
        res.end(reply.body ?? '');
      };
      if (reply.delayMs === undefined) send();
      else setTimeout(send, reply.delayMs).unref(); // a reply still pending when the test ends must not hold jest open
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    hits,
    script: (...replies) => queue.push(...replies),
    clear: () => void queue.splice(0),
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A fake key built at run time, so nothing that looks like a credential is committed. */
export function fakeKey(): string {
  return ['sk', 'proj', 'A'.repeat(20) + Math.random().toString(16).slice(2).padEnd(12, '0')].join(
    '-',
  );
}
