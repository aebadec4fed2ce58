/**
 * Shadow mode for rules changes (issue #13): a candidate ruleset version runs beside the live one.
 * Starting a shadow validates the candidate exactly as `rules check` does, stores it as a rules
 * version (so `rules activate <hash>` can make it live later), ends the tenant's running shadow if
 * there is one, and audits both. While it runs, every live scoring, routing and approval decision
 * is evaluated under it too (src/usecases/shadow-evaluation.ts) and kept for the report here.
 * Journeys never see any of it.
 */
import { randomUUID } from 'node:crypto';
import { recordAudit } from '../db/audit-trail';
import type { Db } from '../db/client';
import { LeadflowError } from '../domain/errors';
import { checkStoredVersion, findStoredVersion } from '../rules/activate-version';
import { loadRulesetFromTexts } from '../rules/load';
import type { Ruleset } from '../rules/ruleset';
import { SHADOW_KINDS, type ShadowKind } from '../rules/shadow-compare';
import { diffRuleTexts } from '../rules/semantic-diff';
import { formatDiagnostic, type Diagnostic } from '../rules/types';
import type { RuleVersionStore } from '../rules/version-store';
import { isUniqueViolation } from '../db/unique-violation';

export interface ShadowView {
  id: string;
  status: 'running' | 'ended';
  versionHash: string;
  /** The live version when it started. */
  liveVersion: string | null;
  startedBy: string;
  startedAt: string;
  reason: string;
  endedAt: string | null;
  endedBy: string | null;
  endReason: string | null;
  evaluations: number;
  differences: number;
}

export interface StartShadowResult {
  shadow: ShadowView;
  /** What the candidate changes against the live version. */
  changes: string[];
  /** The shadow this one replaced (now ended), or null. */
  replaced: ShadowView | null;
}

export interface ShadowDeps {
  db: Db;
  store: RuleVersionStore;
  now?: () => Date;
}

export interface Actor {
  tenant: string;
  email: string;
}

/** The candidate: a folder's files as sent, or a stored version by hash (or unique prefix). */
export type ShadowCandidate = { files: Record<string, string> } | { hash: string };

/** Refused because the candidate does not validate; each problem `file:line:col: …` as `rules check` prints it. */
export class CandidateInvalidError extends LeadflowError {
  constructor(
    readonly diagnostics: Diagnostic[],
    field: (d: Diagnostic) => string,
  ) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super(
      'unprocessable',
      `The candidate rules do not validate (${errors.length} problem${errors.length === 1 ? '' : 's'}); nothing is shadowed; see fields.`,
      { details: errors.map((d) => ({ path: field(d), message: formatDiagnostic(d), unprocessable: true })) },
    );
  }
}

/** Loads and checks the candidate as `rules check` would (every file, every file's own tests). */
async function loadCandidate(store: RuleVersionStore, candidate: ShadowCandidate): Promise<Ruleset> {
  if ('files' in candidate) {
    const loaded = loadRulesetFromTexts(candidate.files, { displayDir: 'candidate', tests: true });
    if (!loaded.ok)
      throw new CandidateInvalidError(loaded.diagnostics, (d) => `files.${d.file.replace(/^candidate\//, '')}`);
    return loaded.ruleset;
  }
  const lookup = await findStoredVersion(store, candidate.hash);
  if (!lookup.found) {
    if (lookup.why === 'not-found') throw new LeadflowError('not_found', lookup.message);
    throw new LeadflowError('unprocessable', 'The version is ambiguous; see fields.', {
      details: [{ path: 'hash', message: lookup.message, unprocessable: true }],
    });
  }
  const loaded = checkStoredVersion(lookup.version);
  if (!loaded.ok) throw new CandidateInvalidError(loaded.diagnostics, () => 'hash');
  return loaded.ruleset;
}

/**
 * Starts shadowing `candidate` for the actor's tenant: validated, stored as a rules version, the
 * running shadow (if any) ended as replaced, both audited. A candidate equal to the live version
 * is refused: it could never differ.
 */
export async function startShadow(
  deps: ShadowDeps,
  actor: Actor,
  input: { candidate: ShadowCandidate; reason: string; live: Ruleset | null },
): Promise<StartShadowResult> {
  const now = (deps.now ?? (() => new Date()))();
  const ruleset = await loadCandidate(deps.store.visibleTo(actor.tenant), input.candidate);
  if (input.live?.version === ruleset.version)
    throw new LeadflowError(
      'unprocessable',
      `The candidate is the live version ${ruleset.version}; shadowing it would show no difference. Change a rule file first.`,
      {
        details: [
          { path: 'files' in input.candidate ? 'files' : 'hash', message: 'is the live version', unprocessable: true },
        ],
      },
    );
  await deps.store.save({
    hash: ruleset.version,
    files: ruleset.texts,
    createdAt: now,
    summary: null,
    activatedAt: null,
  });
  const changes = input.live ? diffRuleTexts(input.live.texts, ruleset.texts).map((c) => c.text) : [];
  const id = `sh_${randomUUID()}`;
  const { created, replaced } = await deps.db
    .$transaction(async (tx) => {
      const running = await tx.ruleShadow.findUnique({ where: { activeKey: actor.tenant } });
      const ended = running
        ? await tx.ruleShadow.update({
            where: { id: running.id },
            data: { activeKey: null, endedAt: now, endedBy: actor.email, endReason: `replaced by shadow ${id}` },
          })
        : null;
      const row = await tx.ruleShadow.create({
        data: {
          id,
          tenant: actor.tenant,
          versionHash: ruleset.version,
          liveVersion: input.live?.version ?? null,
          startedBy: actor.email,
          startedAt: now,
          reason: input.reason,
          activeKey: actor.tenant,
        },
      });
      return { created: row, replaced: ended };
    })
    .catch((error: unknown) => {
      if (isUniqueViolation(error))
        throw new LeadflowError(
          'conflict',
          'Another shadow was started at the same moment; list the shadows and try again.',
        );
      throw error;
    });
  if (replaced) await auditEnded(deps.db, replaced, now);
  await recordAudit(deps.db, {
    tenant: actor.tenant,
    subjectType: 'rules',
    subjectId: ruleset.version,
    action: 'rules.shadow.started',
    actor: actor.email,
    reason: input.reason,
    details: { shadowId: id, live: input.live?.version ?? null, changes, replaced: replaced?.id ?? null },
    occurredAt: now,
    idempotencyKey: `rules.shadow.started:${id}`,
  });
  return {
    shadow: await viewOf(deps.db, created),
    changes,
    replaced: replaced ? await viewOf(deps.db, replaced) : null,
  };
}

/** Ends a running shadow; its evaluations stay for the report. `not_found` for another tenant's or none. */
export async function endShadow(
  deps: Pick<ShadowDeps, 'db' | 'now'>,
  actor: Actor,
  id: string,
  reason: string,
): Promise<ShadowView> {
  const now = (deps.now ?? (() => new Date()))();
  const row = await deps.db.ruleShadow.findFirst({ where: { id, tenant: actor.tenant } });
  if (!row) throw new LeadflowError('not_found', `No shadow ${id}.`);
  if (row.endedAt)
    throw new LeadflowError(
      'conflict',
      `Shadow ${id} ended already (${row.endedAt.toISOString()} by ${row.endedBy ?? 'unknown'}); its report stays readable.`,
    );
  const ended = await deps.db.ruleShadow.update({
    where: { id },
    data: { activeKey: null, endedAt: now, endedBy: actor.email, endReason: reason },
  });
  await auditEnded(deps.db, ended, now);
  return viewOf(deps.db, ended);
}

/** The tenant's running shadow, or null. */
export async function runningShadow(db: Db, tenant: string): Promise<ShadowView | null> {
  const row = await db.ruleShadow.findUnique({ where: { activeKey: tenant } });
  return row ? viewOf(db, row) : null;
}

/** The tenant's shadows, newest first. */
export async function listShadows(db: Db, tenant: string, limit = 50): Promise<ShadowView[]> {
  const rows = await db.ruleShadow.findMany({
    where: { tenant },
    orderBy: [{ startedAt: 'desc' }, { id: 'desc' }],
    take: limit,
  });
  return Promise.all(rows.map((row) => viewOf(db, row)));
}

/** A count under the live version and under the shadow. */
export interface LiveShadow {
  live: number;
  shadow: number;
}

export interface ShadowDifference {
  id: string;
  decisionId: string;
  kind: ShadowKind;
  leadId: string;
  /** The lead's email, else its external id, else its id. */
  lead: string;
  dealId: string | null;
  at: string;
  liveVersion: string;
  /** `mql`/`not-mql`, a routing target (`pool enterprise`), an approval tier. */
  live: string;
  shadow: string;
  liveSummary: string;
  shadowSummary: string;
  flipped: string;
  diff: string[];
  liveOutcome: unknown;
  shadowOutcome: unknown;
}

export interface ShadowReport {
  shadow: ShadowView;
  byKind: { kind: ShadowKind; evaluations: number; differences: number }[];
  /** Distinct leads scored while shadowing, and how many of them reached MQL under each version. */
  scoring: { leads: number; mqls: LiveShadow; mqlOnlyUnderShadow: number; mqlOnlyLive: number };
  /** Routing decisions per target (pool, named rep or queue; the rep inside a pool is the pool's turn, not the rules'). */
  routing: { byTarget: (LiveShadow & { target: string })[] };
  approvals: { byTier: (LiveShadow & { tier: string })[] };
  /** The differing decisions, newest first, one page. */
  changed: { items: ShadowDifference[]; nextCursor: string | null };
}

export interface ReportPage {
  kind?: ShadowKind;
  limit: number;
  /** The id of the last difference of the previous page. */
  cursor?: string;
}

/** The report of one shadow of the tenant, running or ended. */
export async function shadowReport(db: Db, tenant: string, id: string, page: ReportPage): Promise<ShadowReport> {
  const row = await db.ruleShadow.findFirst({ where: { id, tenant } });
  if (!row) throw new LeadflowError('not_found', `No shadow ${id}.`);
  const [shadow, counts, keys, mqlLive, mqlShadow, scoredLeads] = await Promise.all([
    viewOf(db, row),
    db.shadowEvaluation.groupBy({ by: ['kind', 'differs'], where: { shadowId: id }, _count: { _all: true } }),
    db.shadowEvaluation.groupBy({
      by: ['kind', 'liveKey', 'shadowKey'],
      where: { shadowId: id, kind: { in: ['routing', 'approval'] } },
      _count: { _all: true },
    }),
    distinctLeads(db, id, { liveKey: 'mql' }),
    distinctLeads(db, id, { shadowKey: 'mql' }),
    distinctLeads(db, id, {}),
  ]);
  const byKind = SHADOW_KINDS.map((kind) => {
    const of = counts.filter((c) => c.kind === kind);
    return {
      kind,
      evaluations: of.reduce((n, c) => n + c._count._all, 0),
      differences: of.filter((c) => c.differs).reduce((n, c) => n + c._count._all, 0),
    };
  });
  const tally = (kind: ShadowKind) => {
    const totals = new Map<string, LiveShadow>();
    const at = (key: string) => totals.get(key) ?? totals.set(key, { live: 0, shadow: 0 }).get(key)!;
    for (const k of keys.filter((k) => k.kind === kind)) {
      at(k.liveKey).live += k._count._all;
      at(k.shadowKey).shadow += k._count._all;
    }
    return [...totals].sort(([a], [b]) => a.localeCompare(b));
  };
  const onlyShadow = [...mqlShadow].filter((lead) => !mqlLive.has(lead)).length;
  const onlyLive = [...mqlLive].filter((lead) => !mqlShadow.has(lead)).length;
  const differing = await db.shadowEvaluation.findMany({
    where: { shadowId: id, differs: true, ...(page.kind ? { kind: page.kind } : {}) },
    orderBy: [{ at: 'desc' }, { id: 'desc' }],
    take: page.limit + 1,
    ...(page.cursor ? { cursor: { id: page.cursor }, skip: 1 } : {}),
  });
  const items = differing.slice(0, page.limit);
  const leads = await db.lead.findMany({
    where: { id: { in: [...new Set(items.map((d) => d.leadId))] } },
    select: { id: true, email: true, externalId: true },
  });
  const labelOf = new Map(leads.map((l) => [l.id, l.email ?? l.externalId ?? l.id]));
  return {
    shadow,
    byKind,
    scoring: {
      leads: scoredLeads.size,
      mqls: { live: mqlLive.size, shadow: mqlShadow.size },
      mqlOnlyUnderShadow: onlyShadow,
      mqlOnlyLive: onlyLive,
    },
    routing: { byTarget: tally('routing').map(([target, n]) => ({ target, ...n })) },
    approvals: { byTier: tally('approval').map(([tier, n]) => ({ tier, ...n })) },
    changed: {
      items: items.map((d) => ({
        id: d.id,
        decisionId: d.decisionId,
        kind: d.kind as ShadowKind,
        leadId: d.leadId,
        lead: labelOf.get(d.leadId) ?? d.leadId,
        dealId: d.dealId,
        at: d.at.toISOString(),
        liveVersion: d.liveVersion,
        live: d.liveKey,
        shadow: d.shadowKey,
        liveSummary: d.liveSummary ?? '',
        shadowSummary: d.shadowSummary ?? '',
        flipped: d.flipped ?? '',
        diff: Array.isArray(d.diff) ? (d.diff as string[]) : [],
        liveOutcome: d.liveOutcome ?? null,
        shadowOutcome: d.shadowOutcome ?? null,
      })),
      nextCursor: differing.length > page.limit ? items.at(-1)!.id : null,
    },
  };
}

async function distinctLeads(db: Db, shadowId: string, where: { liveKey?: string; shadowKey?: string }) {
  const rows = await db.shadowEvaluation.findMany({
    where: { shadowId, kind: 'scoring', ...where },
    distinct: ['leadId'],
    select: { leadId: true },
  });
  return new Set(rows.map((r) => r.leadId));
}

type ShadowRow = Awaited<ReturnType<Db['ruleShadow']['create']>>;

async function viewOf(db: Db, row: ShadowRow): Promise<ShadowView> {
  const [evaluations, differences] = await Promise.all([
    db.shadowEvaluation.count({ where: { shadowId: row.id } }),
    db.shadowEvaluation.count({ where: { shadowId: row.id, differs: true } }),
  ]);
  return {
    id: row.id,
    status: row.endedAt ? 'ended' : 'running',
    versionHash: row.versionHash,
    liveVersion: row.liveVersion,
    startedBy: row.startedBy,
    startedAt: row.startedAt.toISOString(),
    reason: row.reason,
    endedAt: row.endedAt?.toISOString() ?? null,
    endedBy: row.endedBy,
    endReason: row.endReason,
    evaluations,
    differences,
  };
}

async function auditEnded(db: Db, row: ShadowRow, at: Date): Promise<void> {
  await recordAudit(db, {
    tenant: row.tenant,
    subjectType: 'rules',
    subjectId: row.versionHash,
    action: 'rules.shadow.ended',
    actor: row.endedBy ?? 'system',
    reason: row.endReason,
    details: { shadowId: row.id, startedAt: row.startedAt.toISOString() },
    occurredAt: at,
    idempotencyKey: `rules.shadow.ended:${row.id}`,
  });
}
