/**
 * One chat call per client, as a user of each SDK writes it. Loaded only in the runner's child
 * process: the SDKs are real (dev dependencies), pointed at servers on 127.0.0.1.
 */
import { randomBytes } from 'node:crypto';
import Anthropic from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogleGenerativeAI } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { GoogleGenAI } from '@google/genai';
import { Mistral } from '@mistralai/mistralai';
import { generateText, streamText, type LanguageModel } from 'ai';
import axios from 'axios';
import { CohereClientV2 } from 'cohere-ai';
import Groq from 'groq-sdk';
import OpenAI from 'openai';
import type { Protocol } from './cases';
import type { ClientName } from './sdks';

export interface CallOptions {
  /** The server and path prefix; each client appends the path its SDK uses. */
  baseUrl: string;
  protocol: Protocol;
  signal?: AbortSignal | undefined;
  /** The SDK's own timeout. */
  timeoutMs?: number | undefined;
  /** The SDK's own retries (0 unless a test says otherwise). */
  maxRetries?: number | undefined;
  stream?: boolean | undefined;
  /** A fetch for the SDK to use (createResilientFetch). */
  fetch?: typeof fetch | undefined;
}

/** A fake key, new on every run: nothing credential-shaped is committed. */
export const FAKE_KEY = `test-${randomBytes(16).toString('hex')}`;
const PROMPT = 'Say hi';
const MESSAGES = [{ role: 'user' as const, content: PROMPT }];

const RAW_REQUESTS: Readonly<Record<Protocol, { path: string; body: unknown }>> = {
  openai: { path: '/v1/chat/completions', body: { model: 'gpt-4o-mini', messages: MESSAGES } },
  anthropic: {
    path: '/v1/messages',
    body: { model: 'claude-sonnet-4-5', max_tokens: 16, messages: MESSAGES },
  },
  gemini: {
    path: '/v1beta/models/gemini-2.0-flash:generateContent',
    body: { contents: [{ parts: [{ text: PROMPT }] }] },
  },
  mistral: {
    path: '/v1/chat/completions',
    body: { model: 'mistral-small-latest', messages: MESSAGES },
  },
  cohere: { path: '/v2/chat', body: { model: 'command-r-plus', messages: MESSAGES } },
  ollama: { path: '/api/chat', body: { model: 'llama3.2', messages: MESSAGES, stream: false } },
};

/** `{ [name]: value }`, or nothing when the value is undefined (exactOptionalPropertyTypes). */
function opt<K extends string, V>(name: K, value: V | undefined): { [P in K]?: V } {
  return value === undefined ? {} : ({ [name]: value } as { [P in K]?: V });
}

/** Reads a stream to its end, as a user's `for await` does; the SDK throws there on an error event. */
async function drain(stream: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of stream) {
    // consume
  }
}

/** The AI SDK hands a stream's error to `fullStream` as an `error` part (not thrown); a user rethrows it. */
async function aiSdkCall(model: LanguageModel, o: CallOptions): Promise<unknown> {
  const settings = {
    model,
    prompt: PROMPT,
    maxRetries: o.maxRetries ?? 0,
    ...opt('abortSignal', o.signal),
    ...opt('timeout', o.timeoutMs),
  };
  if (o.stream !== true) return generateText(settings);
  const result = streamText({ ...settings, onError: () => undefined });
  for await (const part of result.fullStream) {
    if (part.type === 'error') throw part.error;
  }
  return undefined;
}

const DRIVERS: Readonly<Record<ClientName, (o: CallOptions) => Promise<unknown>>> = {
  openai: async (o) => {
    const client = new OpenAI({
      apiKey: FAKE_KEY,
      baseURL: `${o.baseUrl}/v1`,
      maxRetries: o.maxRetries ?? 0,
      timeout: o.timeoutMs ?? 60_000,
      ...opt('fetch', o.fetch),
    });
    if (o.stream === true)
      return drain(
        await client.chat.completions.create(
          { model: 'gpt-4o-mini', messages: MESSAGES, stream: true },
          { signal: o.signal },
        ),
      );
    return client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: MESSAGES },
      { signal: o.signal },
    );
  },
  'groq-sdk': async (o) => {
    const client = new Groq({
      apiKey: FAKE_KEY,
      baseURL: o.baseUrl,
      maxRetries: o.maxRetries ?? 0,
      timeout: o.timeoutMs ?? 60_000,
      ...opt('fetch', o.fetch),
    });
    if (o.stream === true)
      return drain(
        await client.chat.completions.create(
          { model: 'llama-3.3-70b-versatile', messages: MESSAGES, stream: true },
          { signal: o.signal },
        ),
      );
    return client.chat.completions.create(
      { model: 'llama-3.3-70b-versatile', messages: MESSAGES },
      { signal: o.signal },
    );
  },
  'ai-sdk-openai': (o) =>
    aiSdkCall(
      createOpenAI({ apiKey: FAKE_KEY, baseURL: `${o.baseUrl}/v1`, ...opt('fetch', o.fetch) }).chat(
        'gpt-4o-mini',
      ),
      o,
    ),
  anthropic: async (o) => {
    const client = new Anthropic({
      apiKey: FAKE_KEY,
      baseURL: o.baseUrl,
      maxRetries: o.maxRetries ?? 0,
      timeout: o.timeoutMs ?? 60_000,
      ...opt('fetch', o.fetch),
    });
    const request = { model: 'claude-sonnet-4-5', max_tokens: 16, messages: MESSAGES };
    if (o.stream === true)
      return drain(
        await client.messages.create({ ...request, stream: true }, { signal: o.signal }),
      );
    return client.messages.create(request, { signal: o.signal });
  },
  'ai-sdk-anthropic': (o) =>
    aiSdkCall(
      createAnthropic({ apiKey: FAKE_KEY, baseURL: `${o.baseUrl}/v1`, ...opt('fetch', o.fetch) })(
        'claude-sonnet-4-5',
      ),
      o,
    ),
  'google-genai': (o) => {
    const client = new GoogleGenAI({
      apiKey: FAKE_KEY,
      httpOptions: {
        baseUrl: o.baseUrl,
        ...(o.timeoutMs === undefined ? {} : { timeout: o.timeoutMs }),
      },
    });
    return client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: PROMPT,
      config: { ...opt('abortSignal', o.signal) },
    });
  },
  'ai-sdk-google': (o) =>
    aiSdkCall(
      createGoogleGenerativeAI({
        apiKey: FAKE_KEY,
        baseURL: `${o.baseUrl}/v1beta`,
        ...opt('fetch', o.fetch),
      })('gemini-2.0-flash'),
      o,
    ),
  mistral: (o) => {
    const client = new Mistral({
      apiKey: FAKE_KEY,
      serverURL: o.baseUrl,
      ...(o.timeoutMs === undefined ? {} : { timeoutMs: o.timeoutMs }),
    });
    return client.chat.complete(
      { model: 'mistral-small-latest', messages: MESSAGES },
      { fetchOptions: { signal: o.signal ?? null } },
    );
  },
  cohere: (o) => {
    const client = new CohereClientV2({
      token: FAKE_KEY,
      environment: o.baseUrl,
      maxRetries: o.maxRetries ?? 0,
      ...(o.fetch === undefined ? {} : { ...opt('fetch', o.fetch) }),
    });
    const timeout = opt(
      'timeoutInSeconds',
      o.timeoutMs === undefined ? undefined : o.timeoutMs / 1000,
    );
    return client.chat(
      { model: 'command-r-plus', messages: MESSAGES },
      { ...opt('abortSignal', o.signal), maxRetries: o.maxRetries ?? 0, ...timeout },
    );
  },
  fetch: async (o) => {
    const { path, body } = RAW_REQUESTS[o.protocol];
    const init = {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${FAKE_KEY}` },
      body: JSON.stringify(body),
    };
    const signal =
      o.timeoutMs === undefined
        ? o.signal
        : AbortSignal.any([AbortSignal.timeout(o.timeoutMs), ...(o.signal ? [o.signal] : [])]);
    const response = await (o.fetch ?? fetch)(`${o.baseUrl}${path}`, {
      ...init,
      ...opt('signal', signal),
    });
    // a user reads the body of a success (a body that breaks off throws there); an error Response is classified
    return response.ok ? response.json() : response;
  },
  axios: (o) => {
    const { path, body } = RAW_REQUESTS[o.protocol];
    return axios.post(`${o.baseUrl}${path}`, body, {
      headers: { authorization: `Bearer ${FAKE_KEY}` },
      ...opt('signal', o.signal),
      timeout: o.timeoutMs ?? 0,
    });
  },
};

export function callClient(client: ClientName, options: CallOptions): Promise<unknown> {
  return DRIVERS[client](options);
}
