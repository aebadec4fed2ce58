/**
 * `leadflow rules shadow`: shadow mode at the console, on the database of DATABASE_URL (like
 * `rules activate`). Start shadowing a candidate folder (validated as `rules check` does) or a
 * stored version, see the running shadow, read a report, stop it. A running leadflow's worker
 * picks a started or stopped shadow up at its next decision: the shadow lives in the database.
 */
import { stat } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import type { Db } from '../db/client';
import { PrismaRuleVersionStore } from '../db/rule-version-store';
import { LeadflowError } from '../domain/errors';
import { createLogger } from '../logger';
import { VERSION_REF } from '../rules/activate-version';
import { readRuleTexts } from '../rules/load-dir';
import { SHADOW_KINDS, type ShadowKind } from '../rules/shadow-compare';
import { kindOfFileName } from '../rules/types';
import {
  CandidateInvalidError,
  endShadow,
  listShadows,
  runningShadow,
  shadowReport,
  startShadow,
  type ShadowReport,
  type ShadowView,
} from '../usecases/rule-shadows';
import { activeRuleset } from './rules-backtest';
import { openDatabase } from './database';

export const SHADOW_USAGE = `  leadflow rules shadow <dir|hash> --reason "why" [--actor you@company.com]
                                                 evaluate a candidate beside the live rules on every live
                                                 decision (journeys are not affected); replaces a running shadow
  leadflow rules shadow --status                 the running shadow and the latest ones
  leadflow rules shadow --report [id] [--kind scoring|routing|approval] [--limit 20] [--format text|json]
                                                 how many live decisions the shadow decides differently, and which
                                                 (default: the running shadow, else the latest)
  leadflow rules shadow --stop --reason "why" [--actor you@company.com]
                                                 end the running shadow; its report stays`;

type Print = (line?: string) => void;

class UsageError extends Error {}

/** Runs `leadflow rules shadow …`; resolves to the exit code (0 done, 1 refused, 2 bad usage). */
export async function shadowCommand(args: string[], out: Print, err: Print): Promise<number> {
  let options: ReturnType<typeof parseOptions>;
  try {
    options = parseOptions(args);
  } catch (error) {
    if (!(error instanceof UsageError) && !(error instanceof TypeError)) throw error;
    err(`leadflow rules shadow: ${error.message}`);
    err(`Usage:\n${SHADOW_USAGE}`);
    return 2;
  }
  const config = loadConfig();
  const actor = { tenant: config.tenant, email: options.actor ?? `cli:${userInfo().username}` };
  let db: Db | undefined;
  try {
    db = await openDatabase(config, createLogger('error'));
    const store = new PrismaRuleVersionStore(db);
    switch (options.action) {
      case 'status': {
        const running = await runningShadow(db, actor.tenant);
        out(running ? `running: ${describe(running)}` : 'no shadow is running');
        const ended = (await listShadows(db, actor.tenant, 10)).filter((s) => s.status === 'ended');
        for (const shadow of ended) out(`ended:   ${describe(shadow)}`);
        return 0;
      }
      case 'report': {
        const id =
          options.id ?? (await runningShadow(db, actor.tenant))?.id ?? (await listShadows(db, actor.tenant, 1))[0]?.id;
        if (!id) {
          err('no shadow has run yet: start one with leadflow rules shadow <dir> --reason "why"');
          return 1;
        }
        const report = await shadowReport(db, actor.tenant, id, { kind: options.kind, limit: options.limit });
        if (options.format === 'json') out(JSON.stringify(report, null, 2));
        else for (const line of formatShadowReport(report)) out(line);
        return 0;
      }
      case 'stop': {
        const running = await runningShadow(db, actor.tenant);
        if (!running) {
          err('no shadow is running; nothing was changed');
          return 1;
        }
        const ended = await endShadow({ db }, actor, running.id, options.reason!);
        out(`✓ shadow ${ended.id} of version ${ended.versionHash} ended by ${actor.email}: ${options.reason!}`);
        out(
          `  ${ended.differences} of ${ended.evaluations} live decisions differed; the report stays (leadflow rules shadow --report ${ended.id})`,
        );
        return 0;
      }
      default: {
        const ref = options.candidate!;
        const isDir = await stat(ref).then(
          (s) => s.isDirectory(),
          () => false,
        );
        if (!isDir && !VERSION_REF.test(ref)) {
          err(`"${ref}" is neither a rules folder nor a version hash; nothing is shadowed`);
          return 1;
        }
        const candidate = isDir ? { files: ruleFilesOnly(await readRuleTexts(ref)) } : { hash: ref };
        const live = await activeRuleset(db, config.rulesDir).catch(() => null);
        const started = await startShadow({ db, store }, actor, { candidate, reason: options.reason!, live });
        if (started.replaced)
          out(`shadow ${started.replaced.id} of version ${started.replaced.versionHash} ended: replaced by this one`);
        out(
          `✓ shadowing version ${started.shadow.versionHash} beside ${started.shadow.liveVersion ?? 'no live version'} (shadow ${started.shadow.id})`,
        );
        for (const change of started.changes) out(`  ${change}`);
        out('Every live scoring, routing and approval decision is now also decided by it; journeys are not affected.');
        out(`Read the differences with: leadflow rules shadow --report`);
        return 0;
      }
    }
  } catch (error) {
    if (error instanceof CandidateInvalidError) {
      for (const field of error.details as { message: string }[]) err(field.message);
      err(`\n✗ ${options.candidate ?? 'the candidate'} does not validate: nothing is shadowed.`);
      return 1;
    }
    if (!(error instanceof LeadflowError)) throw error;
    err(`leadflow rules shadow: ${error.message}`);
    return 1;
  } finally {
    await db?.$disconnect();
  }
}

function parseOptions(args: string[]) {
  const { values, positionals } = parseArgs({
    args,
    options: {
      status: { type: 'boolean' },
      report: { type: 'boolean' },
      stop: { type: 'boolean' },
      reason: { type: 'string' },
      actor: { type: 'string' },
      kind: { type: 'string' },
      limit: { type: 'string' },
      format: { type: 'string' },
    },
    allowPositionals: true,
  });
  const modes = (['status', 'report', 'stop'] as const).filter((m) => values[m]);
  if (modes.length > 1) throw new UsageError(`choose one of --${modes.join(', --')}`);
  const action = modes[0] ?? 'start';
  const reason = values.reason?.trim();
  if ((action === 'start' || action === 'stop') && !reason)
    throw new UsageError('say why with --reason "…" (it goes into the audit trail)');
  if (action === 'start' && positionals.length !== 1)
    throw new UsageError('name one candidate: a rules folder or a stored version hash');
  if (action === 'report' && positionals.length > 1) throw new UsageError('name at most one shadow id');
  if ((action === 'status' || action === 'stop') && positionals.length > 0)
    throw new UsageError(`--${action} takes no folder or id`);
  const kind = values.kind;
  if (kind !== undefined && !(SHADOW_KINDS as readonly string[]).includes(kind))
    throw new UsageError(`unknown --kind "${kind}" (expected one of: ${SHADOW_KINDS.join(', ')})`);
  const limit = values.limit === undefined ? 20 : Number(values.limit);
  if (!Number.isInteger(limit) || limit < 1 || limit > 200)
    throw new UsageError('--limit must be a whole number 1–200');
  const format = values.format ?? 'text';
  if (format !== 'text' && format !== 'json')
    throw new UsageError(`unknown --format "${format}" (expected text or json)`);
  return {
    action,
    candidate: action === 'start' ? positionals[0] : undefined,
    id: action === 'report' ? positionals[0] : undefined,
    reason,
    actor: values.actor,
    kind: kind as ShadowKind | undefined,
    limit,
    format,
  };
}

function ruleFilesOnly(files: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(files).filter(([name]) => kindOfFileName(name) !== undefined));
}

function describe(shadow: ShadowView): string {
  const ended = shadow.endedAt
    ? `, ended ${shadow.endedAt} by ${shadow.endedBy ?? '?'} (${shadow.endReason ?? ''})`
    : '';
  return `${shadow.id} version ${shadow.versionHash}, started ${shadow.startedAt} by ${shadow.startedBy} (${shadow.reason})${ended}: ${shadow.differences} of ${shadow.evaluations} decisions differ`;
}

/** The report as the console shows it. */
export function formatShadowReport(report: ShadowReport): string[] {
  const { shadow } = report;
  const lines = [
    `shadow ${shadow.id} (${shadow.status}): version ${shadow.versionHash} beside ${shadow.liveVersion ?? 'no live version'}`,
    `  started ${shadow.startedAt} by ${shadow.startedBy}: ${shadow.reason}`,
    ...(shadow.endedAt ? [`  ended ${shadow.endedAt} by ${shadow.endedBy ?? '?'}: ${shadow.endReason ?? ''}`] : []),
    `  ${shadow.differences} of ${shadow.evaluations} live decisions differ (${report.byKind.map((k) => `${k.kind} ${k.differences}/${k.evaluations}`).join(', ')})`,
    `  MQLs: ${report.scoring.mqls.live} live, ${report.scoring.mqls.shadow} under the shadow, of ${report.scoring.leads} leads scored (${report.scoring.mqlOnlyUnderShadow} only under the shadow, ${report.scoring.mqlOnlyLive} only live)`,
  ];
  for (const t of report.routing.byTarget)
    lines.push(`  routing ${t.target}: ${t.live} live, ${t.shadow} under the shadow`);
  for (const t of report.approvals.byTier)
    lines.push(`  approval tier ${t.tier}: ${t.live} live, ${t.shadow} under the shadow`);
  if (report.changed.items.length > 0) lines.push('', 'Differences, newest first:');
  for (const d of report.changed.items) {
    lines.push(`  ${d.at} ${d.kind} ${d.lead}: ${d.live} → ${d.shadow}: ${d.flipped}`);
    for (const line of d.diff) lines.push(`      ${line}`);
  }
  if (report.changed.nextCursor) lines.push(`  … and more: raise --limit, or page with the API's cursor`);
  return lines;
}
