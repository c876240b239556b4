import {
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type AttributeValue,
  type Exception,
  type Span,
  type SpanContext,
  type SpanStatus,
  type Tracer,
} from '@opentelemetry/api';
import * as fixtures from './__fixtures__/provider-responses';
import { LocalAgentError } from './local-agent-error';
import { RateLimitError } from './provider-errors';
import { addErrorReporter, reportError, type ErrorReporter } from './report-error';
import { AsyncLocalStorageContextManager } from '../../../test-support/otel-context';

// @opentelemetry/api alone is a no-op: a minimal SDK (context manager + tracer provider) makes the
// active span real, so the test sees what reportError records through the public API.
class RecordingSpan implements Span {
  readonly exceptions: Exception[] = [];
  readonly attributes: Record<string, AttributeValue | undefined> = {};
  status: SpanStatus | undefined;
  spanContext(): SpanContext {
    return {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: 1,
    };
  }
  setAttribute(key: string, value: AttributeValue): this {
    this.attributes[key] = value;
    return this;
  }
  setAttributes(attributes: Attributes): this {
    Object.assign(this.attributes, attributes);
    return this;
  }
  addEvent(): this {
    return this;
  }
  addLink(): this {
    return this;
  }
  addLinks(): this {
    return this;
  }
  setStatus(status: SpanStatus): this {
    this.status = status;
    return this;
  }
  updateName(): this {
    return this;
  }
  end(): void {}
  isRecording(): boolean {
    return true;
  }
  recordException(exception: Exception): void {
    this.exceptions.push(exception);
  }
}

const tracer = {
  startSpan: () => new RecordingSpan(),
  startActiveSpan: () => {
    throw new Error('not used');
  },
} as unknown as Tracer;

beforeAll(() => {
  expect(context.setGlobalContextManager(new AsyncLocalStorageContextManager())).toBe(true);
  expect(trace.setGlobalTracerProvider({ getTracer: () => tracer })).toBe(true);
});

afterAll(() => {
  trace.disable();
  context.disable();
});

function inSpan<T>(fn: (span: RecordingSpan) => T): T {
  const span = trace.getTracer('test').startSpan('llm.call') as RecordingSpan;
  return context.with(trace.setSpan(context.active(), span), () => fn(span));
}

describe('reportError', () => {
  it('records the classified error on the active span: exception, ERROR status, code and category attributes', () => {
    const span = inSpan((s) => {
      const err = reportError(fixtures.anthropic429, {
        provider: 'anthropic',
        'gen_ai.request.model': 'claude-sonnet-4',
      });
      // a { status, headers, body } response object is HTTP-like: classified by fromHttpResponse
      expect(err.code).toBe('LA_RATE_LIMITED');
      return s;
    });
    expect(span.exceptions).toHaveLength(1);
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: expect.any(String) });

    const limited = inSpan((s) => {
      const sdkError = Object.assign(new Error('429 rate limited'), {
        status: 429,
        headers: fixtures.anthropic429.headers,
        error: fixtures.anthropic429.body,
      });
      const err = reportError(sdkError, { provider: 'anthropic' });
      expect(RateLimitError.isInstance(err)).toBe(true);
      return s;
    });
    expect(limited.exceptions[0]).toMatchObject({
      name: 'RateLimitError',
      message: expect.stringContaining('anthropic returned HTTP 429'),
    });
    expect((limited.exceptions[0] as Error).stack).toContain('RateLimitError');
    expect(limited.status).toEqual({
      code: SpanStatusCode.ERROR,
      message: (limited.exceptions[0] as Error).message,
    });
    expect(limited.attributes).toMatchObject({
      provider: 'anthropic',
      'error.type': 'RateLimitError',
      'error.code': 'LA_RATE_LIMITED',
      'error.category': 'transient',
      'error.retryable': true,
    });
  });

  it('masks the exception and attributes it records', () => {
    const key = fixtures.fakeOpenAIKey();
    const span = inSpan((s) => {
      reportError(fixtures.openai401(key).body, {
        'http.request.header.authorization': `Bearer ${key}`,
        note: `key ${key}`,
      });
      return s;
    });
    expect(JSON.stringify([span.exceptions, span.attributes])).not.toContain(key);
    expect(span.attributes['note']).toBe('key [REDACTED]');
  });

  it('works without an active span, and returns our own errors unchanged', () => {
    const err = new LocalAgentError({ message: 'x', code: 'LA_INTERNAL' });
    expect(reportError(err)).toBe(err);
  });
});

describe('addErrorReporter', () => {
  it('calls every reporter; one that throws or rejects does not stop the others; the returned function unregisters', async () => {
    const seen: Array<[string, Readonly<Attributes>]> = [];
    const removeThrowing = addErrorReporter(() => {
      throw new Error('reporter bug');
    });
    const removeRejecting = addErrorReporter(() => Promise.reject(new Error('network down')));
    const removeRecording = addErrorReporter((error, attributes) => {
      seen.push([error.code, attributes]);
    });
    try {
      const err = reportError(new Error('boom'), { component: 'cli' });
      expect(err.code).toBe('LA_INTERNAL');
      expect(seen).toEqual([
        [
          'LA_INTERNAL',
          expect.objectContaining({
            component: 'cli',
            'error.code': 'LA_INTERNAL',
            'error.category': 'system',
          }),
        ],
      ]);
      await new Promise((resolve) => setImmediate(resolve)); // the rejection is handled, not unhandled
    } finally {
      removeThrowing();
      removeRejecting();
      removeRecording();
    }
    reportError(new Error('after'));
    expect(seen).toHaveLength(1);
  });

  it('is shared by every copy of the package in the process', () => {
    let other: { addErrorReporter(r: ErrorReporter): () => void } | undefined;
    jest.isolateModules(() => {
      other = jest.requireActual<typeof import('./report-error')>('./report-error');
    });
    const codes: string[] = [];
    const remove = other!.addErrorReporter((e) => {
      codes.push(e.code);
    });
    try {
      reportError(new Error('from this copy'));
    } finally {
      remove();
    }
    expect(codes).toEqual(['LA_INTERNAL']);
  });
});
