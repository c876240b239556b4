import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { classifyError } from './classify-error';
import { fromResponse } from './from-response';
import { QuotaExceededError, RateLimitError } from './provider-errors';

let server: Server;
let base: string;
beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/quota') {
      res.writeHead(429, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          error: {
            message: 'You exceeded your current quota, please check your plan and billing details.',
            type: 'insufficient_quota',
            param: null,
            code: 'insufficient_quota',
          },
        }),
      );
    } else if (req.url === '/big') {
      res.writeHead(503, { 'content-type': 'text/html' });
      res.end(
        `<html><head><title>503 Service Unavailable</title></head><body>${'x'.repeat(200_000)}</body></html>`,
      );
    } else {
      res.writeHead(429, { 'retry-after': '2' });
      res.end();
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('fromResponse', () => {
  it('reads the body from a clone: an exhausted quota is not a rate limit, and the response stays readable', async () => {
    const response = await fetch(`${base}/quota`);
    // what classifyError can say without the body
    expect(RateLimitError.isInstance(classifyError(response, { provider: 'openai' }))).toBe(true);
    const err = await fromResponse(response, { provider: 'openai' });
    expect(QuotaExceededError.isInstance(err) && [err.status, err.retryable, err.cause]).toEqual([
      429,
      false,
      response,
    ]);
    expect((await response.json()) as unknown).toMatchObject({
      error: { code: 'insufficient_quota' },
    });
  });

  it('reads at most 64 KiB of a large body (an HTML page), and classifies an empty or used body from status and headers', async () => {
    const big = await fromResponse(await fetch(`${base}/big`), { provider: 'azure' });
    expect([big.code, big.message]).toEqual([
      'LA_PROVIDER_UNAVAILABLE',
      'azure returned HTTP 503: 503 Service Unavailable',
    ]);
    const empty = await fromResponse(await fetch(`${base}/empty`), { provider: 'openai' });
    expect(RateLimitError.isInstance(empty) && empty.retryAfterMs).toBe(2000);
    const used = await fetch(`${base}/quota`);
    await used.text();
    expect((await fromResponse(used, { provider: 'openai' })).code).toBe('LA_RATE_LIMITED');
  });
});
