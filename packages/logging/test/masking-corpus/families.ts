/**
 * Fake credentials, one entry per family, in the formats public secret scanners test their rules
 * with. Everything random is generated at run time with node:crypto; prefixes are assembled from
 * pieces, so no credential-shaped literal is in this file (secretlint and the pre-commit hook read it).
 *
 * Each variant names the scanner rule its format comes from:
 * - gitleaks: config/gitleaks.toml rule ids (gitleaks/gitleaks)
 * - betterleaks: config/betterleaks.toml rule ids (betterleaks/betterleaks, the gitleaks fork)
 * - trufflehog: pkg/detectors/<name> (trufflesecurity/trufflehog)
 * - secretlint: @secretlint/secretlint-rule-<name> (secretlint/secretlint)
 * - noseyparker: rule ids np.<name>.<n> (praetorian-inc/noseyparker)
 */
import { randomBytes, randomInt } from 'node:crypto';

export interface Sample {
  family: string;
  variant: string;
  /** What goes into the log; for marker-only formats it includes the marker. */
  text: string;
  /** The sensitive substrings that must not survive masking. */
  secrets: string[];
}

export const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
export const LOWER = 'abcdefghijklmnopqrstuvwxyz';
export const DIGITS = '0123456789';
export const HEX = '0123456789abcdef';
export const ALNUM = UPPER + LOWER + DIGITS;
export const LOWER_ALNUM = LOWER + DIGITS;
export const UPPER_ALNUM = UPPER + DIGITS;
export const LETTERS = UPPER + LOWER;
/** `[A-Za-z0-9_-]` */
export const URL_SAFE = ALNUM + '_-';
/** `\w` */
export const WORD = ALNUM + '_';
export const BASE64 = ALNUM + '+/';
/** AWS access key ids are base32 after the prefix: `[A-Z2-7]` */
const BASE32 = UPPER + '234567';

/** `n` characters drawn uniformly from `alphabet` (rejection sampling over crypto.randomBytes). */
export function rand(alphabet: string, n: number): string {
  const limit = 256 - (256 % alphabet.length);
  let out = '';
  while (out.length < n) {
    for (const byte of randomBytes(Math.max(16, (n - out.length) * 2))) {
      if (byte >= limit) continue;
      out += alphabet.charAt(byte % alphabet.length);
      if (out.length === n) break;
    }
  }
  return out;
}

/** An integer in [min, max]. */
export function between(min: number, max: number): number {
  return randomInt(min, max + 1);
}

export function pick<T>(items: readonly T[]): T {
  return items[randomInt(items.length)] as T;
}

/** `base` with each of `chars` put at a random position (so the value surely contains them). */
function sprinkle(base: string, chars: readonly string[]): string {
  let out = base;
  for (const c of chars) {
    const at = randomInt(1, out.length);
    out = out.slice(0, at) + c + out.slice(at + c.length);
  }
  return out;
}

const base64url = (data: Buffer | string): string => Buffer.from(data).toString('base64url');

interface Variant {
  variant: string;
  /** Where the format comes from. */
  rule: string;
  make: () => { text: string; secrets: string[] };
}

interface Family {
  family: string;
  variants: Variant[];
}

/** A token whose sensitive part is everything after a fixed prefix. */
const prefixed = (prefix: string, body: () => string) => () => {
  const secret = body();
  return { text: prefix + secret, secrets: [secret] };
};

/** A value that is only recognisable after a marker (`NAME=`, `"name": "…"`). */
const marked = (template: (value: string) => string, body: () => string) => () => {
  const secret = body();
  return { text: template(secret), secrets: [secret] };
};

// OpenAI project/service-account/admin keys: 74 or 58 characters, the T3BlbkFJ marker, 74 or 58 more
const OPENAI_MARK = 'T3Blbk' + 'FJ';
const openaiLong = () => {
  const part = () => sprinkle(rand(URL_SAFE, pick([74, 58])), ['-', '_']);
  return part() + OPENAI_MARK + part();
};

const SK = 's' + 'k-';

function jwt(alg: 'HS256' | 'RS256' | 'ES256' | 'none'): {
  header: string;
  payload: string;
  signature: string;
} {
  const header = base64url(JSON.stringify(alg === 'none' ? { alg } : { alg, typ: 'JWT' }));
  const now = 1_700_000_000 + between(0, 50_000_000);
  const payload = base64url(
    JSON.stringify({
      sub: `user_${rand(ALNUM, between(8, 16))}`,
      name: `agent ${between(1, 99_999)}`,
      scope: pick(['read', 'read write', 'admin', 'chat:write models:read']),
      iat: now,
      exp: now + pick([300, 3600, 86_400]),
      jti: rand(HEX, 32),
    }),
  );
  const bytes = alg === 'HS256' ? 32 : alg === 'ES256' ? 64 : alg === 'RS256' ? 256 : 0;
  return { header, payload, signature: bytes === 0 ? '' : base64url(randomBytes(bytes)) };
}

const GH = 'g' + 'h';
const XOX = 'xo' + 'x';

function urlPassword(): string {
  const specials = ['%40', '!', '~', '$'];
  // every password has at least two of the awkward characters, %40 (an encoded '@') half the time
  const chosen = [pick(specials), pick(specials), ...(randomInt(2) === 0 ? ['%40'] : [])];
  let pw = rand(ALNUM, between(10, 20));
  for (const c of chosen) {
    const at = randomInt(1, pw.length);
    pw = pw.slice(0, at) + c + pw.slice(at);
  }
  return pw;
}

const urlUser = () =>
  pick(['app', 'agent', 'svc', 'deploy', 'admin', 'ci']) + '_' + rand(LOWER_ALNUM, between(2, 6));

function urlCredential(build: (user: string, password: string) => string) {
  return () => {
    const password = urlPassword();
    return { text: build(urlUser(), password), secrets: [password] };
  };
}

const pemLine = (n: number) => rand(BASE64, n);

/** A PEM block: 64-character base64 lines, a shorter last line; every body line is a secret. */
function pem(label: string, firstLinePrefix: string, lines: [number, number]) {
  return () => {
    const count = between(lines[0], lines[1]);
    const body: string[] = [];
    for (let i = 0; i < count; i++) {
      const line = i === 0 ? firstLinePrefix + pemLine(64 - firstLinePrefix.length) : pemLine(64);
      body.push(line);
    }
    const tail = between(8, 60);
    body.push(pemLine(tail - (tail % 4 === 0 ? 0 : 1)) + (tail % 4 === 0 ? '' : '='));
    const dashes = '-----';
    const text = [
      `${dashes}BEGIN ${label}${dashes}`,
      ...body,
      `${dashes}END ${label}${dashes}`,
    ].join('\n');
    return { text, secrets: body };
  };
}
const PRIVATE = 'PRIVATE' + ' KEY';

export const FAMILIES: readonly Family[] = [
  {
    family: 'openai',
    variants: [
      // gitleaks openai-api-key (legacy branch: sk- + 20 + T3BlbkFJ + 20)
      {
        variant: 'sk-legacy',
        rule: 'gitleaks openai-api-key',
        make: prefixed(SK, () => rand(ALNUM, 20) + OPENAI_MARK + rand(ALNUM, 20)),
      },
      // gitleaks openai-api-key; secretlint-rule-openai; trufflehog openai
      {
        variant: 'sk-proj',
        rule: 'gitleaks openai-api-key',
        make: prefixed(SK + 'proj-', openaiLong),
      },
      {
        variant: 'sk-svcacct',
        rule: 'gitleaks openai-api-key',
        make: prefixed(SK + 'svcacct-', openaiLong),
      },
      // trufflehog openaiadmin: sk-admin- + 58 + T3BlbkFJ + 58
      {
        variant: 'sk-admin',
        rule: 'trufflehog openaiadmin',
        make: prefixed(SK + 'admin-', () => rand(URL_SAFE, 58) + OPENAI_MARK + rand(URL_SAFE, 58)),
      },
    ],
  },
  {
    family: 'anthropic',
    variants: [
      // gitleaks anthropic-api-key: sk-ant-api03- + 93 [\w-] + AA
      {
        variant: 'api03',
        rule: 'gitleaks anthropic-api-key',
        make: prefixed(SK + 'ant-api03-', () => rand(URL_SAFE, 93) + 'AA'),
      },
      // gitleaks anthropic-admin-api-key: sk-ant-admin01- + 93 + AA
      {
        variant: 'admin01',
        rule: 'gitleaks anthropic-admin-api-key',
        make: prefixed(SK + 'ant-admin01-', () => rand(URL_SAFE, 93) + 'AA'),
      },
    ],
  },
  // trufflehog groq: gsk_ + 52 alnum
  {
    family: 'groq',
    variants: [
      {
        variant: 'gsk',
        rule: 'trufflehog groq',
        make: prefixed('gs' + 'k_', () => rand(ALNUM, 52)),
      },
    ],
  },
  // trufflehog xai: xai- + 80 [0-9a-zA-Z_] (betterleaks xai-api-key: 70–120)
  {
    family: 'xai',
    variants: [
      {
        variant: 'xai',
        rule: 'trufflehog xai',
        make: prefixed('xa' + 'i-', () => rand(ALNUM, 80)),
      },
    ],
  },
  // betterleaks replicate-api-token / trufflehog replicate: r8_ + 37
  {
    family: 'replicate',
    variants: [
      {
        variant: 'r8',
        rule: 'betterleaks replicate-api-token',
        make: prefixed('r' + '8_', () => rand(ALNUM, 37)),
      },
    ],
  },
  // gitleaks perplexity-api-key: pplx- + 48 alnum
  {
    family: 'perplexity',
    variants: [
      {
        variant: 'pplx',
        rule: 'gitleaks perplexity-api-key',
        make: prefixed('pp' + 'lx-', () => rand(ALNUM, 48)),
      },
    ],
  },
  // trufflehog openrouter / betterleaks openrouter-api-key: sk-or-v1- + 64 hex
  {
    family: 'openrouter',
    variants: [
      {
        variant: 'sk-or-v1',
        rule: 'trufflehog openrouter',
        make: prefixed(SK + 'or-v1-', () => rand(HEX, 64)),
      },
    ],
  },
  // no gitleaks/trufflehog rule; Warp terminal's secret redaction FIREWORKS_API_KEY: \bfw_[a-zA-Z0-9]{24}\b
  {
    family: 'fireworks',
    variants: [
      {
        variant: 'fw',
        rule: 'warp FIREWORKS_API_KEY',
        make: prefixed('f' + 'w_', () => rand(ALNUM, 24)),
      },
    ],
  },
  // trufflehog deepseek / betterleaks deepseek-api-key: sk- + 32 lowercase hex
  {
    family: 'deepseek',
    variants: [
      { variant: 'sk-hex32', rule: 'trufflehog deepseek', make: prefixed(SK, () => rand(HEX, 32)) },
    ],
  },
  {
    family: 'mistral',
    // betterleaks mistral-api-key: 32 alnum, only after a "mistral…" marker
    variants: [
      {
        variant: 'env',
        rule: 'betterleaks mistral-api-key',
        make: marked(
          (v) => `MISTRAL_API_KEY=${v}`,
          () => rand(ALNUM, 32),
        ),
      },
      {
        variant: 'yaml',
        rule: 'betterleaks mistral-api-key',
        make: marked(
          (v) => `mistral_api_key: "${v}"`,
          () => rand(ALNUM, 32),
        ),
      },
      {
        variant: 'json',
        rule: 'betterleaks mistral-api-key',
        make: marked(
          (v) => `"mistralApiKey": "${v}"`,
          () => rand(ALNUM, 32),
        ),
      },
    ],
  },
  {
    family: 'cohere',
    // gitleaks cohere-api-token: 40 alnum, only after a cohere / CO_API_KEY marker
    variants: [
      {
        variant: 'env',
        rule: 'gitleaks cohere-api-token',
        make: marked(
          (v) => `CO_API_KEY=${v}`,
          () => rand(ALNUM, 40),
        ),
      },
      {
        variant: 'prose',
        rule: 'gitleaks cohere-api-token',
        make: marked(
          (v) => `cohere api key ${v}`,
          () => rand(ALNUM, 40),
        ),
      },
      {
        variant: 'json',
        rule: 'gitleaks cohere-api-token',
        make: marked(
          (v) => `"cohereApiKey": "${v}"`,
          () => rand(ALNUM, 40),
        ),
      },
    ],
  },
  {
    family: 'jwt',
    // gitleaks jwt: ey… . ey… . signature (optional); noseyparker np.jwt.1
    variants: [
      {
        variant: 'hs256',
        rule: 'gitleaks jwt',
        make: () => {
          const t = jwt('HS256');
          return {
            text: `${t.header}.${t.payload}.${t.signature}`,
            secrets: [t.payload, t.signature],
          };
        },
      },
      {
        variant: 'rs256',
        rule: 'gitleaks jwt',
        make: () => {
          const t = jwt('RS256');
          return {
            text: `${t.header}.${t.payload}.${t.signature}`,
            secrets: [t.payload, t.signature],
          };
        },
      },
      {
        variant: 'unsigned',
        rule: 'gitleaks jwt (signature group optional)',
        make: () => {
          const t = jwt('none');
          return { text: `${t.header}.${t.payload}.`, secrets: [t.payload] };
        },
      },
    ],
  },
  {
    family: 'slack',
    variants: [
      // gitleaks slack-bot-token: xoxb-[0-9]{10,13}-[0-9]{10,13}[a-zA-Z0-9-]*
      {
        variant: 'xoxb',
        rule: 'gitleaks slack-bot-token',
        make: prefixed(
          XOX + 'b-',
          () =>
            `${rand(DIGITS, between(10, 13))}-${rand(DIGITS, between(10, 13))}-${rand(ALNUM, 24)}`,
        ),
      },
      // gitleaks slack-user-token: xox[pe](?:-[0-9]{10,13}){3}-[a-zA-Z0-9-]{28,34}
      {
        variant: 'xoxp',
        rule: 'gitleaks slack-user-token',
        make: prefixed(
          XOX + 'p-',
          () =>
            `${rand(DIGITS, between(10, 13))}-${rand(DIGITS, between(10, 13))}-${rand(DIGITS, between(10, 13))}-${rand(HEX, 32)}`,
        ),
      },
      // gitleaks slack-legacy-workspace-token: xox[ar]-(?:\d-)?[0-9a-zA-Z]{8,48}
      {
        variant: 'xoxa-2',
        rule: 'gitleaks slack-legacy-workspace-token',
        make: prefixed(XOX + 'a-2-', () => rand(ALNUM, between(32, 48))),
      },
      // gitleaks slack-config-access-token: xoxe.xox[bp]-\d-[A-Z0-9]{163,166} (case-insensitive)
      {
        variant: 'xoxe.xoxp',
        rule: 'gitleaks slack-config-access-token',
        make: prefixed(XOX + 'e.' + XOX + 'p-1-', () => rand(ALNUM, between(163, 166))),
      },
      // gitleaks slack-app-token: xapp-\d-[A-Z0-9]+-\d+-[a-z0-9]+
      {
        variant: 'xapp',
        rule: 'gitleaks slack-app-token',
        make: prefixed(
          'xa' + 'pp-1-',
          () => `A${rand(UPPER_ALNUM, 10)}-${rand(DIGITS, 13)}-${rand(HEX, 64)}`,
        ),
      },
      // gitleaks slack-webhook-url; trufflehog slackwebhook: services/T[A-Z0-9]+/B[A-Z0-9]+/[A-Za-z0-9]{23,25}
      {
        variant: 'webhook',
        rule: 'trufflehog slackwebhook',
        make: () => {
          const path = `T${rand(UPPER_ALNUM, between(8, 10))}/B${rand(UPPER_ALNUM, between(8, 10))}/${rand(ALNUM, 24)}`;
          return { text: `https://hooks.${'sla' + 'ck'}.com/services/${path}`, secrets: [path] };
        },
      },
    ],
  },
  {
    family: 'huggingface',
    variants: [
      // gitleaks huggingface-access-token: hf_ + 34 letters
      {
        variant: 'hf',
        rule: 'gitleaks huggingface-access-token',
        make: prefixed('h' + 'f_', () => rand(LETTERS, 34)),
      },
      // gitleaks huggingface-organization-api-token: api_org_ + 34 letters
      {
        variant: 'api_org',
        rule: 'gitleaks huggingface-organization-api-token',
        make: prefixed('api' + '_org_', () => rand(LETTERS, 34)),
      },
    ],
  },
  {
    family: 'github',
    variants: [
      // gitleaks github-pat / github-oauth / github-app-token / github-refresh-token: gh?_ + 36 alnum
      {
        variant: 'ghp',
        rule: 'gitleaks github-pat',
        make: prefixed(GH + 'p_', () => rand(ALNUM, 36)),
      },
      {
        variant: 'gho',
        rule: 'gitleaks github-oauth',
        make: prefixed(GH + 'o_', () => rand(ALNUM, 36)),
      },
      {
        variant: 'ghu',
        rule: 'gitleaks github-app-token',
        make: prefixed(GH + 'u_', () => rand(ALNUM, 36)),
      },
      {
        variant: 'ghs',
        rule: 'gitleaks github-app-token',
        make: prefixed(GH + 's_', () => rand(ALNUM, 36)),
      },
      {
        variant: 'ghr',
        rule: 'gitleaks github-refresh-token',
        make: prefixed(GH + 'r_', () => rand(ALNUM, 36)),
      },
      // gitleaks github-fine-grained-pat: github_pat_\w{82} (22 + _ + 59)
      {
        variant: 'github_pat',
        rule: 'gitleaks github-fine-grained-pat',
        make: prefixed('git' + 'hub_pat_', () => `${rand(ALNUM, 22)}_${rand(ALNUM, 59)}`),
      },
      // a 127-character ghs_ token with '_' inside (longer installation tokens: GitHub changelog 2026-04-24;
      // r-lib/gh#231 accepts gh[pousr]_[A-Za-z0-9_]{36,251})
      {
        variant: 'ghs-127',
        rule: 'r-lib/gh token check gh[pousr]_[A-Za-z0-9_]{36,251}',
        make: prefixed(GH + 's_', () => sprinkle(rand(ALNUM, 123), ['_', '_', '_'])),
      },
      // secretlint-rule-github GITHUB_APP_INSTALLATION_TOKEN_PATTERN: ghs_<AppID>_<JWT> (~520 chars, '.', '-', '_')
      {
        variant: 'ghs-stateless',
        rule: 'secretlint-rule-github (app installation token)',
        make: () => {
          const t = jwt('RS256');
          const secret = `${t.payload}.${t.signature}`;
          return {
            text: `${GH}s_${between(10_000, 3_999_999)}_${t.header}.${secret}`,
            secrets: [secret],
          };
        },
      },
    ],
  },
  {
    family: 'url-credentials',
    // secretlint-rule-basicauth, secretlint-rule-database-connection-string, trufflehog uri, noseyparker np.postgres.1 / np.mongodb.1
    variants: [
      {
        variant: 'https',
        rule: 'trufflehog uri',
        make: urlCredential((u, p) => `https://${u}:${p}@git.example.test/org/repo.git`),
      },
      {
        variant: 'postgres',
        rule: 'noseyparker np.postgres.1',
        make: urlCredential(
          (u, p) => `postgres://${u}:${p}@db.internal.test:5432/agents?sslmode=require`,
        ),
      },
      {
        variant: 'mongodb+srv',
        rule: 'noseyparker np.mongodb.1',
        make: urlCredential(
          (u, p) =>
            `mongodb+srv://${u}:${p}@cluster0.ab1cd.mongodb.net/agents?retryWrites=true&w=majority`,
        ),
      },
      {
        variant: 'redis',
        rule: 'secretlint-rule-database-connection-string',
        make: urlCredential((_u, p) => `redis://default:${p}@cache.internal.test:6379/0`),
      },
      {
        variant: 'amqp',
        rule: 'trufflehog uri (scheme-agnostic form)',
        make: urlCredential((u, p) => `amqp://${u}:${p}@mq.internal.test:5672/agents`),
      },
      {
        variant: 'ftp',
        rule: 'secretlint-rule-basicauth',
        make: urlCredential((u, p) => `ftp://${u}:${p}@ftp.example.test/pub/build.tar.gz`),
      },
    ],
  },
  {
    family: 'aws',
    variants: [
      // gitleaks aws-access-token: (A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z2-7]{16}
      {
        variant: 'AKIA',
        rule: 'gitleaks aws-access-token',
        make: prefixed('AK' + 'IA', () => rand(BASE32, 16)),
      },
      {
        variant: 'ASIA',
        rule: 'gitleaks aws-access-token',
        make: prefixed('AS' + 'IA', () => rand(BASE32, 16)),
      },
      {
        variant: 'ABIA',
        rule: 'gitleaks aws-access-token',
        make: prefixed('AB' + 'IA', () => rand(BASE32, 16)),
      },
      {
        variant: 'ACCA',
        rule: 'gitleaks aws-access-token',
        make: prefixed('AC' + 'CA', () => rand(BASE32, 16)),
      },
      {
        variant: 'A3T',
        rule: 'gitleaks aws-access-token',
        make: () => {
          const secret = rand(BASE32, 16);
          return { text: `A3T${rand(UPPER_ALNUM, 1)}${secret}`, secrets: [secret] };
        },
      },
      // secretlint-rule-aws AWSSecretAccessKey; trufflehog aws SecretPat [A-Za-z0-9+/]{40}: only after a marker
      {
        variant: 'secret-ini',
        rule: 'secretlint-rule-aws (secret access key)',
        make: marked(
          (v) => `aws_secret_access_key = ${v}`,
          () => rand(BASE64, 40),
        ),
      },
      {
        variant: 'secret-env',
        rule: 'secretlint-rule-aws (secret access key)',
        make: marked(
          (v) => `AWS_SECRET_ACCESS_KEY=${v}`,
          () => rand(BASE64, 40),
        ),
      },
      {
        variant: 'secret-json',
        rule: 'secretlint-rule-aws (secret access key)',
        make: marked(
          (v) => `"SecretAccessKey": "${v}"`,
          () => rand(BASE64, 40),
        ),
      },
      // gitleaks aws-amazon-bedrock-api-key-long-lived: ABSK[A-Za-z0-9+/]{109,269}={0,2}
      // (base64 of "BedrockAPIKey-<id>-at-<account>:<secret>")
      {
        variant: 'bedrock-ABSK',
        rule: 'gitleaks aws-amazon-bedrock-api-key-long-lived',
        make: prefixed('AB' + 'SK', () =>
          Buffer.from(
            `BedrockAPIKey-${rand(LOWER_ALNUM, 4)}-at-${rand(DIGITS, 12)}:${rand(BASE64, between(60, 120))}`,
          ).toString('base64'),
        ),
      },
      // trufflehog aws/appsync: da2-[a-z0-9]{26}
      {
        variant: 'appsync-da2',
        rule: 'trufflehog aws/appsync',
        make: prefixed('da' + '2-', () => rand(LOWER_ALNUM, 26)),
      },
    ],
  },
  {
    family: 'google',
    variants: [
      // gitleaks gcp-api-key: AIza[\w-]{35}
      {
        variant: 'AIza',
        rule: 'gitleaks gcp-api-key',
        make: prefixed('AI' + 'za', () => rand(URL_SAFE, 35)),
      },
      // trufflehog googleoauth2 / noseyparker np.google.4: ya29.[0-9A-Za-z_-]{20,1024}
      {
        variant: 'ya29',
        rule: 'noseyparker np.google.4',
        make: prefixed('ya' + '29.', () => rand(URL_SAFE, between(140, 170))),
      },
      // no dedicated scanner rule; refresh tokens 1//0… as in noseyparker np.google.4's examples
      {
        variant: 'refresh-1//0',
        rule: 'noseyparker np.google.4 example (refresh_token)',
        make: prefixed('1/' + '/0', () => rand(URL_SAFE, between(90, 110))),
      },
    ],
  },
  {
    family: 'gitlab',
    variants: [
      // gitleaks gitlab-pat: glpat-[\w-]{20}
      {
        variant: 'glpat',
        rule: 'gitleaks gitlab-pat',
        make: prefixed('gl' + 'pat-', () => rand(URL_SAFE, 20)),
      },
      // gitleaks gitlab-pat-routable: glpat-[0-9a-zA-Z_-]{27,300}\.[0-9a-z]{2}[0-9a-z]{7}
      {
        variant: 'glpat-routable',
        rule: 'gitleaks gitlab-pat-routable',
        make: prefixed(
          'gl' + 'pat-',
          () => `${rand(URL_SAFE, between(27, 60))}.${rand(LOWER_ALNUM, 2)}${rand(LOWER_ALNUM, 7)}`,
        ),
      },
      // gitleaks gitlab-deploy-token: gldt-[0-9a-zA-Z_\-]{20}
      {
        variant: 'gldt',
        rule: 'gitleaks gitlab-deploy-token',
        make: prefixed('gl' + 'dt-', () => rand(URL_SAFE, 20)),
      },
      // gitleaks gitlab-runner-authentication-token: glrt-[0-9a-zA-Z_\-]{20}
      {
        variant: 'glrt',
        rule: 'gitleaks gitlab-runner-authentication-token',
        make: prefixed('gl' + 'rt-', () => rand(URL_SAFE, 20)),
      },
      // gitleaks gitlab-oauth-app-secret: gloas-[0-9a-zA-Z_\-]{64}
      {
        variant: 'gloas',
        rule: 'gitleaks gitlab-oauth-app-secret',
        make: prefixed('gl' + 'oas-', () => rand(URL_SAFE, 64)),
      },
      // gitleaks gitlab-rrt: GR1348941[\w-]{20}
      {
        variant: 'GR1348941',
        rule: 'gitleaks gitlab-rrt',
        make: prefixed('GR' + '1348941', () => rand(URL_SAFE, 20)),
      },
    ],
  },
  {
    family: 'stripe',
    variants: [
      // secretlint-rule-stripe: (sk_live|sk_test|rk_live|rk_test)_[a-zA-Z0-9]{24,99}
      {
        variant: 'sk_live',
        rule: 'secretlint-rule-stripe',
        make: prefixed('sk' + '_live_', () => rand(ALNUM, between(24, 99))),
      },
      {
        variant: 'sk_test',
        rule: 'secretlint-rule-stripe',
        make: prefixed('sk' + '_test_', () => rand(ALNUM, between(24, 99))),
      },
      {
        variant: 'rk_live',
        rule: 'secretlint-rule-stripe',
        make: prefixed('rk' + '_live_', () => rand(ALNUM, between(24, 99))),
      },
      // SonarQube secrets S6718 stripe-webhook-secret: whsec_[0-9a-zA-Z]{32,64}
      {
        variant: 'whsec',
        rule: 'sonar S6718 stripe-webhook-secret',
        make: prefixed('wh' + 'sec_', () => rand(ALNUM, 32)),
      },
    ],
  },
  {
    family: 'azure',
    variants: [
      // betterleaks azure-storage-account-key / noseyparker np.azure.1: AccountKey=[A-Za-z0-9+/]{86}== (64 random bytes)
      {
        variant: 'storage-connection-string',
        rule: 'noseyparker np.azure.1',
        make: marked(
          (v) =>
            `DefaultEndpointsProtocol=https;AccountName=agent${rand(LOWER_ALNUM, 6)};AccountKey=${v};EndpointSuffix=core.windows.net`,
          () => randomBytes(64).toString('base64'),
        ),
      },
      // trufflehog azure_batch secretPat [A-Za-z0-9+/=]{88}: the key alone
      {
        variant: 'storage-key-bare',
        rule: 'trufflehog azure_batch',
        make: marked(
          (v) => v,
          () => randomBytes(64).toString('base64'),
        ),
      },
      // gitleaks azure-ad-client-secret: [a-zA-Z0-9_~.]{3}\dQ~[a-zA-Z0-9_~.-]{31,34}
      {
        variant: 'client-secret',
        rule: 'gitleaks azure-ad-client-secret',
        make: marked(
          (v) => v,
          () =>
            rand(ALNUM + '_~.', 3) + rand(DIGITS, 1) + 'Q~' + rand(ALNUM + '_~.-', between(31, 34)),
        ),
      },
      // trufflehog azure_openai: api[_.-]?key … [a-f0-9]{32}
      {
        variant: 'api-key-header',
        rule: 'trufflehog azure_openai',
        make: marked(
          (v) => `api-key: ${v}`,
          () => rand(HEX, 32),
        ),
      },
      {
        variant: 'openai-env',
        rule: 'trufflehog azure_openai',
        make: marked(
          (v) => `AZURE_OPENAI_API_KEY=${v}`,
          () => rand(HEX, 32),
        ),
      },
      // trufflehog azuresastoken: sig=[a-zA-Z0-9%+/=]{10,} in a blob URL's query
      {
        variant: 'sas-url',
        rule: 'trufflehog azuresastoken',
        make: () => {
          const sig = encodeURIComponent(randomBytes(32).toString('base64'));
          const account = `agent${rand(LOWER_ALNUM, 8)}`;
          const text =
            `https://${account}.blob.core.windows.net/artifacts/run-${between(1, 99_999)}.json` +
            `?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31T23:59:59Z&st=2026-01-01T00:00:00Z&spr=https&sig=${sig}`;
          return { text, secrets: [sig] };
        },
      },
      // betterleaks azure-servicebus-connection-string: SharedAccessKey=[A-Za-z0-9+/]{32,100}={0,2}
      {
        variant: 'servicebus',
        rule: 'betterleaks azure-servicebus-connection-string',
        make: marked(
          (v) =>
            `Endpoint=sb://agents-${rand(LOWER_ALNUM, 6)}.servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=${v}`,
          () => randomBytes(32).toString('base64'),
        ),
      },
    ],
  },
  {
    family: 'pem',
    // gitleaks private-key: -----BEGIN[ A-Z0-9_-]{0,100}PRIVATE KEY-----[\s\S-]{64,}?KEY-----; secretlint-rule-privatekey
    variants: [
      {
        variant: 'rsa',
        rule: 'gitleaks private-key',
        make: pem(`RSA ${PRIVATE}`, 'MIIE', [14, 25]),
      },
      {
        variant: 'ec',
        rule: 'gitleaks private-key',
        make: pem(`EC ${PRIVATE}`, 'MHcCAQEEI', [2, 3]),
      },
      { variant: 'pkcs8', rule: 'gitleaks private-key', make: pem(PRIVATE, 'MIIE', [10, 25]) },
      {
        variant: 'openssh',
        rule: 'gitleaks private-key',
        make: pem(`OPENSSH ${PRIVATE}`, 'b3BlbnNzaC1rZXktdjEAAAAA', [5, 8]),
      },
      {
        variant: 'encrypted',
        rule: 'gitleaks private-key',
        make: pem(`ENCRYPTED ${PRIVATE}`, 'MIIFHDBOBgkqhkiG9w0BBQ0w', [8, 20]),
      },
    ],
  },
  {
    family: 'langsmith',
    variants: [
      // trufflehog langsmith / betterleaks langchain-langsmith-*: lsv2_(pt|sk)_[a-f0-9]{32}_[a-f0-9]{10}
      {
        variant: 'lsv2_pt',
        rule: 'trufflehog langsmith',
        make: prefixed('lsv2' + '_pt_', () => `${rand(HEX, 32)}_${rand(HEX, 10)}`),
      },
      {
        variant: 'lsv2_sk',
        rule: 'trufflehog langsmith',
        make: prefixed('lsv2' + '_sk_', () => `${rand(HEX, 32)}_${rand(HEX, 10)}`),
      },
    ],
  },
  {
    family: 'pinecone',
    // trufflehog pinecone / betterleaks pinecone-api-key.2: pcsk_[A-Za-z0-9]{5,6}_[A-Za-z0-9]{63}
    variants: [
      {
        variant: 'pcsk',
        rule: 'trufflehog pinecone',
        make: prefixed('pc' + 'sk_', () => `${rand(ALNUM, between(5, 6))}_${rand(ALNUM, 63)}`),
      },
    ],
  },
  {
    family: 'nvidia',
    // trufflehog nvapi: nvapi-[a-zA-Z0-9_-]{64}
    variants: [
      {
        variant: 'nvapi',
        rule: 'trufflehog nvapi',
        make: prefixed('nv' + 'api-', () => rand(URL_SAFE, 64)),
      },
    ],
  },
  {
    family: 'auth-header',
    variants: [
      // noseyparker np.http.2 (HTTP Bearer Token); gitleaks curl-auth-header: an opaque value with : @ % ! and quotes
      {
        variant: 'bearer-opaque',
        rule: 'noseyparker np.http.2',
        make: prefixed('Bearer ', () =>
          sprinkle(rand(ALNUM + '._~+/-', between(24, 40)), [':', '@', '%', '!', '"', "'"]),
        ),
      },
      // noseyparker np.http.1 (HTTP Basic Authentication); gitleaks curl-auth-header Basic [a-z0-9+/]{8,}={0,3}
      {
        variant: 'basic',
        rule: 'noseyparker np.http.1',
        make: prefixed('Basic ', () =>
          Buffer.from(`${urlUser()}:${rand(ALNUM, between(12, 20))}`).toString('base64'),
        ),
      },
      // gitleaks curl-auth-header: Authorization: (Api-)?Token <value>
      {
        variant: 'token',
        rule: 'gitleaks curl-auth-header',
        make: prefixed('Authorization: Token ', () => rand(pick([HEX, ALNUM]), 40)),
      },
    ],
  },
];

export const FAMILY_NAMES: readonly string[] = FAMILIES.map((f) => f.family);

/** Variant name → the scanner rule its format was taken from. */
export const RULES: ReadonlyArray<{ family: string; variant: string; rule: string }> =
  FAMILIES.flatMap((f) =>
    f.variants.map((v) => ({ family: f.family, variant: v.variant, rule: v.rule })),
  );

/** `perVariant` fresh samples of every variant of every family. */
export function generateSamples(perVariant: number): Sample[] {
  const out: Sample[] = [];
  for (const { family, variants } of FAMILIES) {
    for (const { variant, make } of variants) {
      for (let i = 0; i < perVariant; i++) out.push({ family, variant, ...make() });
    }
  }
  return out;
}
