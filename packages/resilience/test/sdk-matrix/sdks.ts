/**
 * The clients the matrix calls, by the wire protocol each speaks. Metadata only: the SDKs themselves
 * are loaded by the runner (a child process), never by jest (@mistralai/mistralai is ESM only).
 */
import type { Protocol } from './cases';

export type ClientName =
  | 'openai'
  | 'groq-sdk'
  | 'ai-sdk-openai'
  | 'anthropic'
  | 'ai-sdk-anthropic'
  | 'google-genai'
  | 'ai-sdk-google'
  | 'mistral'
  | 'cohere'
  | 'fetch'
  | 'axios';

export interface ClientInfo {
  name: ClientName;
  protocols: readonly Protocol[];
  /** False when the client's error drops the response headers (retry-after, x-should-retry are lost). */
  keepsHeaders: boolean;
}

const RAW: readonly Protocol[] = ['openai', 'anthropic', 'gemini', 'mistral', 'cohere', 'ollama'];

export const CLIENTS: readonly ClientInfo[] = [
  { name: 'openai', protocols: ['openai'], keepsHeaders: true },
  { name: 'groq-sdk', protocols: ['openai'], keepsHeaders: true },
  { name: 'ai-sdk-openai', protocols: ['openai'], keepsHeaders: true },
  { name: 'anthropic', protocols: ['anthropic'], keepsHeaders: true },
  { name: 'ai-sdk-anthropic', protocols: ['anthropic'], keepsHeaders: true },
  // @google/genai's ApiError keeps the status and the body (as its message), not the headers
  { name: 'google-genai', protocols: ['gemini'], keepsHeaders: false },
  { name: 'ai-sdk-google', protocols: ['gemini'], keepsHeaders: true },
  { name: 'mistral', protocols: ['mistral'], keepsHeaders: true },
  { name: 'cohere', protocols: ['cohere'], keepsHeaders: true },
  { name: 'fetch', protocols: RAW, keepsHeaders: true },
  { name: 'axios', protocols: RAW, keepsHeaders: true },
];

/** The SDK clients (not fetch/axios), for the scenarios every SDK goes through. */
export const SDK_CLIENTS: readonly ClientInfo[] = CLIENTS.filter(
  (c) => c.name !== 'fetch' && c.name !== 'axios',
);

/** What one classification came out as, reported by the runner. */
export interface Classified {
  className: string;
  code: string;
  category: string;
  retryable: boolean;
  retryAfterMs: number | undefined;
  /** The constructor name of what the client threw (or `Response`), for failure messages. */
  thrown: string;
  message: string;
}
