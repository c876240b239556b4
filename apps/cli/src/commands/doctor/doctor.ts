import { LocalAgentError } from '@localagent/errors';
import { cliLogLevel, loggingOptions } from '../../services/logger.js';
import { PROVIDERS, verifyAuditLog, type SecurityStatus } from '@localagent/security';
import type { CliContext } from '../../context.js';
import { readBreakerState } from '../../services/breaker-state.js';
import { checkConfig } from '../config/validate.js';

export type CheckStatus = 'ok' | 'warn' | 'fail';

export interface Check {
  name: string;
  status: CheckStatus;
  detail: string;
}

const message = (error: unknown): string =>
  LocalAgentError.isInstance(error) || error instanceof Error ? error.message : String(error);

function pathCheck(
  name: string,
  report: SecurityStatus['configDir'],
  expected: string,
  missing: CheckStatus,
  missingText: string,
): Check {
  if (!report.exists) return { name, status: missing, detail: `${report.path}: ${missingText}` };
  const mode = report.mode === undefined ? '' : ` (mode ${report.mode})`;
  return report.ok
    ? { name, status: 'ok', detail: `${report.path}${mode}` }
    : {
        name,
        status: 'fail',
        detail: `${report.path}${mode}: accessible to other users; expected ${expected} (chmod ${expected.slice(1)})`,
      };
}

/** What the security package reports: backends, keyring reachability, file permissions. */
async function securityChecks(
  ctx: CliContext,
): Promise<{ checks: Check[]; status: SecurityStatus | undefined }> {
  let status: SecurityStatus;
  try {
    status = await (await ctx.keyManager()).status();
  } catch (error) {
    return {
      checks: [{ name: 'key store', status: 'fail', detail: message(error) }],
      status: undefined,
    };
  }
  const keyring = status.keyring;
  const checks: Check[] = [
    {
      name: 'storage',
      status: status.activeBackend === 'none' ? 'fail' : 'ok',
      detail: `mode ${status.storage}; new keys go to ${status.activeBackend === 'none' ? 'nowhere (no usable keyring)' : status.activeBackend === 'keyring' ? 'the OS keyring' : 'the encrypted file'}`,
    },
    {
      name: 'keyring',
      status: keyring.usable ? 'ok' : status.storage === 'file' ? 'ok' : 'warn',
      detail: keyring.usable
        ? `${keyring.driver} driver usable`
        : `not used (${keyring.driver}): ${keyring.reason ?? 'unavailable'}`,
    },
    pathCheck(
      'config dir',
      status.configDir,
      '0700',
      'warn',
      'does not exist yet (created on the first stored key)',
    ),
    pathCheck('key file', status.keyFile, '0600', 'ok', 'none yet'),
    { name: 'key derivation', status: 'ok', detail: JSON.stringify(status.kdf) },
    ...status.stores
      .filter((store) => store.state === 'unreadable')
      .map((store): Check => ({
        name: `${store.name} store`,
        status: 'warn',
        detail: `cannot be read now (${store.reason ?? 'unknown reason'}): its keys are unknown, not absent`,
      })),
    {
      name: 'unlock agent',
      status: 'ok',
      detail: status.unlockAgent.running
        ? `running until ${status.unlockAgent.expiresAt?.toISOString() ?? '?'} (\`localagent lock\` stops it)`
        : 'not running (`localagent unlock` keeps the key file open for headless runs)',
    },
  ];
  return { checks, status };
}

async function auditCheck(ctx: CliContext, enabled: boolean | undefined): Promise<Check> {
  const path = ctx.paths.auditLog;
  if (enabled === false)
    return { name: 'audit log', status: 'warn', detail: `disabled in config.yaml (${path})` };
  try {
    const result = await verifyAuditLog(path);
    if (!result.ok)
      return {
        name: 'audit log',
        status: 'fail',
        detail: `${path}: hash chain broken at line ${result.firstBadLine ?? '?'} (run \`localagent audit verify\`)`,
      };
    return {
      name: 'audit log',
      status: 'ok',
      detail: `${path}: ${result.entries} entries, chain intact`,
    };
  } catch (error) {
    return { name: 'audit log', status: 'fail', detail: `${path}: ${message(error)}` };
  }
}

function loggingCheck(ctx: CliContext): Check {
  try {
    const { options, levelConfigured } = loggingOptions(ctx);
    const file = options.file === undefined ? 'no log file' : `file ${options.file.path}`;
    const format =
      ctx.globals.logFormat ?? options.format ?? 'pretty on a terminal, json otherwise';
    return {
      name: 'logging',
      status: 'ok',
      detail: `level ${cliLogLevel(ctx, options, levelConfigured)}; stderr (${format}); ${file}`,
    };
  } catch {
    // the configuration's problems are listed once, in the "config file" check
    return {
      name: 'logging',
      status: 'fail',
      detail: 'not configured: the configuration above is invalid',
    };
  }
}

function overridesCheck(ctx: CliContext): Check {
  const set = Object.values(PROVIDERS)
    .flatMap((p) => p.envVars)
    .filter((name) => (ctx.env[name] ?? '') !== '');
  return {
    name: 'env overrides',
    status: 'ok',
    detail: set.length === 0 ? 'none' : `${set.join(', ')} (override stored keys)`,
  };
}

function breakerCheck(ctx: CliContext): Check {
  const state = readBreakerState(ctx.paths.breakerState) as
    { providers?: Record<string, { state?: string }> } | undefined;
  const open = Object.entries(state?.providers ?? {})
    .filter(([, snapshot]) => snapshot.state === 'open')
    .map(([provider]) => provider);
  return {
    name: 'circuit breakers',
    status: open.length === 0 ? 'ok' : 'warn',
    detail:
      open.length === 0
        ? `all closed (${ctx.paths.breakerState})`
        : `open for ${open.join(', ')} (calls fail fast until the recovery time passes)`,
  };
}

/** `localagent doctor`: every check, its status and a detail; exit 0 (problems are reported, not thrown). */
export async function doctor(ctx: CliContext): Promise<void> {
  const config = checkConfig(ctx);
  const checks: Check[] = [
    { name: 'node', status: 'ok', detail: process.version },
    {
      name: 'config file',
      status: config.problems.length > 0 ? 'fail' : 'ok',
      detail:
        config.problems.length > 0
          ? `${config.file}: ${config.problems.join('; ')}`
          : config.exists
            ? `${config.file}: valid`
            : `${config.file}: none (defaults apply)`,
    },
    loggingCheck(ctx),
  ];
  const security =
    config.problems.length > 0
      ? {
          checks: [
            {
              name: 'key store',
              status: 'fail' as const,
              detail: 'not opened: the configuration above is invalid',
            },
          ],
          status: undefined,
        }
      : await securityChecks(ctx);
  checks.push(
    ...security.checks,
    await auditCheck(ctx, security.status?.auditLog.enabled),
    overridesCheck(ctx),
    breakerCheck(ctx),
  );
  const ok = checks.every((check) => check.status !== 'fail');
  const width = Math.max(...checks.map((check) => check.name.length));
  const mark = { ok: 'ok  ', warn: 'warn', fail: 'FAIL' };
  const human = [
    ...checks.map(
      (check) => `[${mark[check.status]}] ${check.name.padEnd(width)}  ${check.detail}`,
    ),
    ok ? 'No problems found.' : 'Problems found: see the FAIL lines above.',
  ];
  ctx.output.result(human, { ok, checks, security: security.status ?? null });
}
