import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ErrorCase } from './cases';

export interface CaseServer {
  /** http://127.0.0.1:<port>; a case answers under `${url}/${case.id}/...` */
  url: string;
  /** How many requests reached the case with this id. */
  hits(id: string): number;
  close(): Promise<void>;
}

function send(
  res: ServerResponse,
  status: number,
  headers: Record<string, string>,
  body: unknown,
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(status, { ...headers, 'content-length': String(Buffer.byteLength(text, 'utf8')) });
  res.end(text);
}

/** The first path segment of the request URL: `/<case-id>/<anything>?<query>` → `<case-id>`. */
function caseIdOf(req: IncomingMessage): string {
  const { pathname } = new URL(req.url ?? '/', 'http://127.0.0.1');
  const first = pathname.split('/').find((segment) => segment !== '') ?? '';
  try {
    return decodeURIComponent(first);
  } catch {
    return first;
  }
}

/**
 * A local HTTP server (127.0.0.1, port 0) answering each request to `/<case-id>/<anything>` (any
 * method, any rest of path, any query) with that case's status, headers and body. The request body
 * is read and discarded first. An unknown id gets 404 `{"error":"unknown case"}` with `x-unknown-case: 1`.
 */
export async function startCaseServer(cases: readonly ErrorCase[]): Promise<CaseServer> {
  const byId = new Map<string, ErrorCase>();
  for (const errorCase of cases) {
    if (byId.has(errorCase.id)) throw new Error(`duplicate case id: ${errorCase.id}`);
    byId.set(errorCase.id, errorCase);
  }
  const hitCounts = new Map<string, number>();

  const server: Server = createServer((req, res) => {
    req.on('error', () => res.destroy());
    req.on('data', () => undefined);
    req.on('end', () => {
      const id = caseIdOf(req);
      const errorCase = byId.get(id);
      if (errorCase === undefined) {
        send(
          res,
          404,
          { 'content-type': 'application/json', 'x-unknown-case': '1' },
          { error: 'unknown case' },
        );
        return;
      }
      hitCounts.set(id, (hitCounts.get(id) ?? 0) + 1);
      send(res, errorCase.status, errorCase.headers, errorCase.body);
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    hits: (id) => hitCounts.get(id) ?? 0,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((err) => (err ? reject(err) : resolve()));
      }),
  };
}
