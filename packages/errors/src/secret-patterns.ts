/**
 * Credential shapes, one source for every package. Formats follow the public secret scanners' rule
 * documentation (gitleaks `config/gitleaks.toml`, secretlint's rule packages, trufflehog's
 * detectors), deliberately looser where a false mask costs little and a missed key leaks. Each
 * pattern is global and matches the whole credential (or, for marker rules, the marker and value).
 */

// Where a credential may start: not inside a word (`task-…` is not a key), except right after a
// percent-encoded byte (`%20sk-…`, `%3DAIza…` in URLs), a digit or `_` (`id_sk-…`). `\b` alone
// missed all of these. Prefixes distinctive enough on their own (AIza, ghp_, AKIA…) need no guard.
const START = '(?:^|[^A-Za-z]|%[0-9A-Fa-f]{2})';

/**
 * `prefix` where a credential may start (see START), checked by a lookbehind placed after the
 * prefix: a pattern that begins with a literal lets the regex engine skip ahead to it, one that
 * begins with a lookbehind is tried at every position (ten times slower on a clean log line).
 */
function atStart(prefix: string): string {
  return `(?:${prefix})(?<=${START}(?:${prefix}))`;
}

function re(source: string, flags = 'g'): RegExp {
  // eslint-disable-next-line security/detect-non-literal-regexp -- built from the constant sources in this file
  return new RegExp(source, flags);
}

export interface SecretFamily {
  /** Who issues it, as the README names it. */
  family: string;
  /** The formats, as the README lists them. */
  formats: string;
  patterns: readonly RegExp[];
}

/**
 * A reference to a secret, not the secret (`process.env.OPENAI_API_KEY`, `${OPENAI_API_KEY}`,
 * `{{ secrets.KEY }}`, `[REDACTED]`), or an Authorization scheme whose value the next rule masks.
 */
const NOT_A_PLACEHOLDER =
  '(?!process\\.env\\.|os\\.environ|\\$\\{|\\$[A-Z_]{2,}|\\{\\{|<[A-Za-z_]|\\[|(?:Bearer|Basic|Token|Digest)\\s)';
/** What ends a value after a marker: a value that runs on into `:` or `/` is an ordinary word (`key=embeddings:v2:…`). */
const VALUE_END = `(?=$|[\\s"'\`&;,<>()\\[\\]{}\\\\|])(?!\\s{0,4}(?:[:=]|%3[Dd]))`;
/** A value that looks generated: letters and a digit, 16 or more characters, no `:` (what `encodeURIComponent` leaves as is may be in it). */
const RANDOM_VALUE = `(?=[A-Za-z0-9+/=_.~%!*'()-]{0,512}?[0-9])(?=[A-Za-z0-9+/=_.~%!*'()-]{0,512}?[A-Za-z])(?:[A-Za-z0-9+/=_.~%!*'()-]{4096}|[A-Za-z0-9+/=_.~%!*'()-]{16,4095}${VALUE_END})`;
/** A value 4,096 characters long is taken as it is: trying shorter ones would backtrack through it at every marker of a long run. */
/**
 * After a strong marker (password, api key, secret…) a value counts when it has a digit, a symbol
 * or 12+ characters: `password: reset` and `credentials: loaded` are prose, `password=hunter2` is not.
 */
const MARKED_VALUE = `${NOT_A_PLACEHOLDER}(?:[^\\s"'\`&;,<>]{4096}|(?=[^\\s"'\`&;,<>]{0,512}?[0-9!@#$%^*+/=~])[^\\s"'\`&;,<>]{6,4095}(?<!:)${VALUE_END}|[^\\s"'\`&;,<>]{12,4095}(?<!:)${VALUE_END})`;
/** After a marker written as code or config (`password=`, `"password": "`), any value of 4+ characters: `{"password":"letmein"}`. */
const TIGHT_VALUE = `${NOT_A_PLACEHOLDER}(?:[^\\s"'\`&;,<>]{4096}|[^\\s"'\`&;,<>]{4,4095}(?<!:)${VALUE_END})`;
const SEPARATOR = `["']?\\s{0,4}(?:[:=]|%3[Dd]|=>)\\s{0,4}["']?`;
const TIGHT_SEPARATOR = `(?:["']?(?:=|%3[Dd])["']?|["']\\s{0,4}:\\s{0,4}["']|:\\s{0,4}["'])`;
const STRONG_NAMES =
  'api[_-]?key|apikey|secret(?:[_-]?key)?|client[_-]?secret|password|passwd|passphrase|(?:access|refresh|auth|id|session|bearer)[_-]?token|private[_-]?key|access[_-]?key|account[_-]?key|credentials?';
const WEAK_NAMES = 'key|token|sig|signature|auth|pwd|pass';

/**
 * A word that may announce a value after whitespace (`password = …`, `api key is …`, `Bearer …`):
 * text cut right after it would lose the marker the value needs.
 */
export const MARKER_WORD_AT_END = re(
  `(?:${STRONG_NAMES}|${WEAK_NAMES}|api|bearer|basic|token|digest|is|-----BEGIN[ A-Z0-9]{0,40})$`,
  'i',
);

/** A private key block from its BEGIN line to its END line, or to where the base64 stops when it was cut off. */
export const PEM_PRIVATE_KEY = re(
  '-----BEGIN[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----(?:[\\s\\S]{0,16384}?-----END[ A-Z0-9]{0,40}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\\s\\\\:,.-]{0,16384})',
);

export const SECRET_FAMILIES: readonly SecretFamily[] = [
  {
    family: 'PEM private keys',
    formats:
      'whole `-----BEGIN … PRIVATE KEY-----` blocks (RSA, EC, DSA, OPENSSH, PKCS#8, ENCRYPTED), also with escaped `\\n`, and a block cut off before its END line',
    patterns: [PEM_PRIVATE_KEY],
  },
  {
    family: 'OpenAI, Anthropic, OpenRouter, DeepSeek',
    formats:
      '`sk-…`, `sk-proj-…`, `sk-svcacct-…`, `sk-admin-…`, `sk-ant-api03-…`, `sk-ant-admin01-…`, `sk-or-v1-…`, and the `sk-…****abcd` fragments providers echo back',
    patterns: [
      // the echoed fragment first: the next pattern would stop at the asterisks and leave the last characters
      re(`${atStart('sk-')}[A-Za-z0-9_-]{0,256}\\*[A-Za-z0-9_*-]{0,256}`),
      re(`${atStart('sk-')}[A-Za-z0-9_-]{20,}`),
    ],
  },
  {
    family:
      'Groq, xAI, Replicate, Perplexity, Fireworks, Hugging Face, LangSmith, Pinecone, NVIDIA',
    formats:
      '`gsk_`, `xai-`, `r8_`, `pplx-`, `fw_`, `hf_`, `api_org_`, `lsv2_pt_`, `lsv2_sk_`, `pcsk_`, `nvapi-`',
    patterns: [
      re(
        `${atStart('gsk_|xai-|r8_|pplx-|fw_|hf_|api_org_|lsv2_(?:pt|sk)_|pcsk_|nvapi-')}[A-Za-z0-9_-]{20,}`,
      ),
    ],
  },
  {
    family: 'Stripe',
    formats: '`sk_live_`, `sk_test_`, `rk_live_`, `rk_test_`, `whsec_`',
    patterns: [
      re(
        `${atStart('[sr]k_(?:live|test)_')}[A-Za-z0-9]{10,}|${atStart('whsec_')}[A-Za-z0-9+/=]{20,}`,
      ),
    ],
  },
  {
    family: 'Google',
    formats: 'API keys `AIza…`, OAuth access tokens `ya29.…`, refresh tokens `1//0…`',
    patterns: [
      /AIza[0-9A-Za-z_-]{20,}/g,
      /ya29\.[0-9A-Za-z_-]{20,}/g,
      re('(?<![A-Za-z0-9/:])1//0[0-9A-Za-z_-]{20,}'),
    ],
  },
  {
    family: 'GitHub',
    formats:
      '`ghp_`, `gho_`, `ghu_`, `ghs_` (also the 127-character ones with `_` inside and the `ghs_<app id>_<JWT>` installation tokens), `ghr_`, `github_pat_`',
    // GitHub's new installation tokens are `ghs_<app id>_<JWT>`: base64url parts joined by dots
    patterns: [
      /gh[pousr]_[A-Za-z0-9_]{20,}[A-Za-z0-9_.-]{0,4096}(?<![.-])/g,
      /github_pat_[A-Za-z0-9_]{20,}/g,
    ],
  },
  {
    family: 'GitLab',
    formats:
      '`glpat-`, `gldt-`, `glrt-`, `gloas-`, `glptt-`, `glft-`, `glimt-`, `glcbt-`, `glsoat-`, `glffct-`, `glagent-`, runner registration `GR1348941…`',
    patterns: [
      re(`${atStart('gl(?:pat|dt|rt|oas|ptt|ft|imt|cbt|soat|ffct|agent)-')}[A-Za-z0-9_-]{20,}`),
      /GR1348941[A-Za-z0-9_-]{20,}/g,
    ],
  },
  {
    family: 'Slack',
    formats:
      '`xoxb-`, `xoxp-`, `xoxa-`, `xoxe.xoxp-…`, `xapp-1-…`, and webhook URLs `hooks.slack.com/services/T…/B…/…`',
    patterns: [
      /xoxe\.xox[a-z]-\d-[A-Za-z0-9-]{10,}/g,
      /xox[a-z]-[A-Za-z0-9-]{10,}/g,
      re(`${atStart('xapp-')}\\d-[A-Za-z0-9-]{10,}`),
      /(hooks\.slack\.com\/(?:services|workflows|triggers)\/)[A-Za-z0-9/_+-]{10,}/g,
    ],
  },
  {
    family: 'AWS',
    formats:
      'access key ids `AKIA`, `ASIA`, `ABIA`, `ACCA`, `A3T…`; Bedrock API keys `ABSK…`; AppSync `da2-…`; secret keys after an `aws_secret_access_key`-like marker',
    patterns: [
      /(?:A3T[A-Z0-9]|AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16,}/g,
      /ABSK[A-Za-z0-9+/]{20,}={0,2}/g,
      re(`${atStart('da2-')}[a-z0-9]{26}`),
    ],
  },
  {
    family: 'Azure',
    formats:
      'client secrets (`…Q~…`), 88-character storage account keys, connection strings (`AccountKey=`, `SharedAccessKey=`), SAS `sig=`, 32-hex keys after an `api-key`-like marker',
    patterns: [
      re('(?<![A-Za-z0-9_~.-])[A-Za-z0-9_~.-]{3}\\dQ~[A-Za-z0-9_~.-]{31,34}(?![A-Za-z0-9_~.-])'),
      // a bare storage key; an npm/SRI integrity hash has the same length after `sha512-`
      re('(?<![A-Za-z0-9+/])(?<!sha(?:256|384|512)-)[A-Za-z0-9+/]{86}==(?![A-Za-z0-9+/=])'),
    ],
  },
  {
    family: 'JSON Web Tokens',
    formats: '`eyJ….eyJ….…`, also unsigned (empty signature)',
    patterns: [/eyJ[A-Za-z0-9_-]{5,512}\.[A-Za-z0-9_-]{5,8192}\.[A-Za-z0-9_-]{0,4096}/g],
  },
  {
    family: 'Values after a marker',
    formats:
      '`api_key=`, `apiKey:`, `"password": "…"`, `secret=`, `client_secret`, `access_token`, `private_key`, `AccountKey=`, `*_API_KEY=` (Mistral, Cohere, Azure…), `aws_secret_access_key =`; after `key=`, `token=`, `sig=` only a value that looks generated',
    patterns: [
      re(`((?:${STRONG_NAMES})${TIGHT_SEPARATOR})${TIGHT_VALUE}`, 'gi'),
      re(`((?:${STRONG_NAMES})${SEPARATOR})${MARKED_VALUE}`, 'gi'),
      re(`(${atStart(WEAK_NAMES)}${SEPARATOR})${RANDOM_VALUE}`, 'gi'),
      re(`(?<![A-Za-z])(api\\s?key\\s{1,4}(?:is\\s{1,4})?)${RANDOM_VALUE}`, 'gi'),
    ],
  },
  {
    family: 'Authorization values',
    // after the marker rules (`Bearer aws_secret_access_key = …` keeps its marker for them); a value
    // needs a digit, a symbol inside, base64 padding or 20+ characters: `Bearer authentication
    // failed` is prose; in an OAuth token response (`token_type=bearer expires_in=3600`) the word
    // names the scheme and the next field follows; a URL after the word is not a token (its
    // credentials, if any, are masked by URL_CREDENTIALS)
    formats:
      '`Bearer`, `Basic`, `Token`, `Digest` values, also percent-encoded (`Bearer%20…`) and containing `:`, `@`, `%`, `!` or quotes',
    patterns: [
      re(
        `(${atStart('Bearer|Basic|Token|Digest')}(?:\\s{1,8}|%20))(?!(?:expires_in|scope|token_type|refresh_token|id_token)=)(?![a-z][a-z0-9+.-]{0,31}://)${NOT_A_PLACEHOLDER}(?:(?=[^\\s<>]{0,2048}?(?:\\d|[._~+/][^\\s<>]))[^\\s<>]{8,4096}|[^\\s<>]{6,4094}={1,2}(?=$|[\\s<>"'\`)\\]},;])|[^\\s<>]{20,4096})`,
        'gi',
      ),
    ],
  },
];

/**
 * Text every match of every pattern above contains (case-insensitively): a string without any of
 * them cannot hold a credential, and costs one scan for literals instead of every pattern. A
 * pattern added above needs its anchor here; the corpus and mask tests fail otherwise.
 */
export const SECRET_ANCHORS = re(
  [
    '-----BEGIN',
    'sk-',
    '[sr]k_',
    'whsec_',
    'gsk_',
    'xai-',
    'r8_',
    'pplx-',
    'fw_',
    'hf_',
    'api_org_',
    'lsv2_',
    'pcsk_',
    'nvapi-',
    'AIza',
    'ya29\\.',
    '1//0',
    'gh[pousr]_',
    'github_pat_',
    'gl[a-z]{1,6}-',
    'GR1348941',
    'xox',
    'xapp-',
    'hooks\\.slack',
    'A3T',
    'A[BCKS][CIS][AK]',
    'da2-',
    'Q~',
    '==',
    'eyJ',
    '(?:bearer|basic|token|digest)(?:\\s|%20)',
    '://',
    // a marker name right before its separator (`password:`, `"api_key": "`, `sig=`, `api key is`)
    `(?:key|secret|pass\\w{0,8}|token|credentials?|sig\\w{0,8}|auth|pwd)${SEPARATOR}`,
    'api\\s?key\\s',
  ].join('|'),
  'i',
);

/** Every credential pattern, in the order they are applied. */
export const SECRET_PATTERNS: readonly RegExp[] = SECRET_FAMILIES.flatMap((f) => f.patterns);

/**
 * `scheme://user:password@` in a URL of any scheme, also with an empty user (`redis://:pw@`) and an
 * `@` inside the password (the last `@` before the host ends it); the scheme and host stay readable.
 */
export const URL_CREDENTIALS = /([a-z][a-z0-9+.-]{0,31}:\/\/)[^/\s:@]{0,256}:[^/\s]{1,256}@/gi;
