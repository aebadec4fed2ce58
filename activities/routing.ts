import { setTimeout as sleep } from 'node:timers/promises';
import type { Db, Prisma } from '../src/db/client';
import {
  isOutOfOffice,
  OPEN_LEAD_STAGES,
  pickFromPool,
  passedOverParam,
  poolChain,
  repKey,
  type PoolRouting,
  type RoutingState,
} from '../src/domain/routing';
import type { RoutingOutcome } from '../src/rules/evaluate-routing';
import { LeadflowError } from '../src/domain/errors';
import { worded, type ReasonCode, type Worded } from '../src/domain/reason-codes';
import { LOCK_CLASS, lockInTransaction } from '../src/db/database-lock';
import type { ShadowLogger } from '../src/usecases/shadow-evaluation';
import { activityLog } from './shadow-log';

export interface AssignLeadInput {
  tenant: string;
  leadId: string;
  /** What `evaluateRouting` decided for this lead. */
  routing: RoutingOutcome;
  /**
   * Pools, roster and fallback queue of the same ruleset version (`ruleset.routing`, or just
   * these three keys of it): a pool's overflow names another pool or rep only by name.
   */
  routingRules: PoolRouting;
  rulesetVersion: string;
  /** Unique per assignment; a retry with the same key returns the first result. */
  idempotencyKey: string;
  /** ISO-8601; out-of-office windows are judged at this instant. */
  now: string;
  /** A rep who must not get the lead (the owner who missed the SLA, when it escalates to reassign). */
  excludeRepEmail?: string;
}

export interface ReassignLeadInput {
  tenant: string;
  leadId: string;
  to: { repEmail: string } | { queue: string };
  /** Who reassigned it (a user's email or id). */
  actor: string;
  reason: string;
  /**
   * Why an automation moved it (an SLA or stall escalation), as a code; without it the row reads
   * `reassigned` with `reason` as the person's note.
   */
  why?: Worded<ReasonCode>;
  idempotencyKey: string;
  now: string;
}

/** Where the lead went, and why in plain language. */
export type AssignmentResult =
  | { kind: 'rep'; repEmail: string; pool?: string; explanation: string }
  | { kind: 'queue'; queue: string; explanation: string };

/** An assignment just decided, with its reason as a code (stored, not returned). */
type Decided = AssignmentResult & { why: Worded<ReasonCode> };

export interface RoutingActivityDeps {
  db: Db;
  /** Defaults to the provider the Prisma client was generated for. */
  provider?: Provider;
  /** Where a shared transaction that failed is reported; by default the activity's own logger. */
  logger?: ShadowLogger;
}

/**
 * Owner assignment. Each assignment reads the live state (availability, open leads, round-robin
 * counters) in its transaction, picks with the pure `pickFromPool`, and writes the counter, the
 * lead's owner or queue and an `Assignment` row keyed by the idempotency key, so a retry assigns
 * nothing twice. Concurrent calls are serialised per rep: on PostgreSQL by transaction-scoped
 * advisory locks on every rep the lead may reach (taken in one global order, so they cannot
 * deadlock); on SQLite by taking the write lock with the first statement. That keeps
 * round-robin fair and caps exact however many leads arrive at once. Automatic assignments to the
 * same reps that arrive while one is in its transaction share the next (assignInBatch); a
 * reassignment by hand runs in a transaction of its own.
 */
export function createRoutingActivities(deps: RoutingActivityDeps) {
  const { db } = deps;
  const provider = deps.provider ?? providerOf(db);
  const logger = deps.logger ?? activityLog;
  const inTurn = createKeyedQueue();
  const enqueue = createKeyedBatcher<Pending>(runBatch, ASSIGN_BATCH);

  /**
   * Runs queued assignments in one transaction and settles each. If the transaction fails for a
   * reason other than a lost race and held more than one, each runs again alone, so one call's
   * failure is its own.
   */
  async function runBatch(batch: Pending[]): Promise<void> {
    const [first] = batch;
    if (!first) return;
    try {
      await assignBatch(first, batch);
    } catch (error) {
      // Not expected (assignBatch settles every call); a call settled already keeps its result.
      for (const item of batch) item.reject(error);
    }
  }

  async function assignBatch(first: Pending, batch: Pending[]): Promise<void> {
    try {
      const outcomes = await withTransientRetry(() =>
        db.$transaction(async (tx) => {
          await serialise(tx, provider, first.input.tenant, first.lockSet);
          return assignInBatch(tx, provider, batch);
        }, TRANSACTION_OPTIONS),
      );
      outcomes.forEach((outcome, i) => {
        const item = batch[i];
        if (!item) return;
        if (outcome.ok) item.resolve(outcome.result);
        else item.reject(outcome.error);
      });
    } catch (error) {
      // Still losing races after its retries: each call fails now, and Temporal retries it,
      // instead of the batch being tried again call by call.
      if (batch.length === 1 || isTransient(error)) for (const item of batch) item.reject(error);
      else {
        logger.warn(
          { leads: batch.map((item) => item.input.leadId), error: String(error) },
          'routing: a transaction shared by several assignments failed; each runs again alone',
        );
        for (const item of batch) await runBatch([item]);
      }
    }
  }

  /**
   * Runs one routing transaction: first in turn with this process's other calls on the same reps
   * (so a burst waits here instead of holding every pooled connection), then under the database
   * locks that serialise it against other processes, retried if it loses a race.
   */
  function transaction<T>(tenant: string, reps: string[], work: (tx: Tx) => Promise<T>): Promise<T> {
    const lockSet = [...new Set(reps)].sort();
    return inTurn(`${tenant}\u0000${lockSet.join(',')}`, () =>
      withTransientRetry(() =>
        db.$transaction(async (tx) => {
          await serialise(tx, provider, tenant, lockSet);
          return work(tx);
        }, TRANSACTION_OPTIONS),
      ),
    );
  }

  return {
    /**
     * Assigns a routed lead to a pool member, a named rep or a queue. Calls that arrive while
     * another with the same reps is in its transaction wait, then go together in the next one (up
     * to ASSIGN_BATCH of them, in arrival order; see assignInBatch).
     */
    async assignLead(input: AssignLeadInput): Promise<AssignmentResult> {
      const now = parseNow(input.now);
      const plan = planAssignment(input);
      const lockSet = [...new Set(plan.lockedReps)].sort();
      return new Promise((resolve, reject) =>
        enqueue(JSON.stringify([input.tenant, lockSet]), { input, plan, now, lockSet, resolve, reject }),
      );
    },

    /** Moves a lead to a rep or a queue by hand; recorded with `manual: true`, the actor and the reason. */
    async reassignLead(input: ReassignLeadInput): Promise<AssignmentResult> {
      const now = parseNow(input.now);
      const to: ReassignLeadInput['to'] =
        'repEmail' in input.to ? { repEmail: repKey(input.to.repEmail) } : { queue: input.to.queue };
      return transaction(input.tenant, 'repEmail' in to ? [to.repEmail] : [], async (tx) => {
        const replay = await replayed(tx, input.idempotencyKey, input.leadId);
        if (replay) return replay;
        const lead = await tx.lead.findFirst({
          where: { id: input.leadId, tenant: input.tenant },
          select: { ownerId: true, queue: true },
        });
        if (!lead) throw leadNotFound(input);
        const target =
          'repEmail' in to
            ? `${to.repEmail}${await availabilityNote(tx, input.tenant, to.repEmail, now)}`
            : `queue ${to.queue}`;
        const from = lead.ownerId ?? (lead.queue ? `queue ${lead.queue}` : 'nobody');
        const explanation = `Reassigned by hand by ${input.actor} from ${from} to ${target}: ${input.reason}`;
        const moved = {
          from: lead.ownerId,
          fromQueue: lead.ownerId ? null : lead.queue,
          to: 'repEmail' in to ? to.repEmail : null,
          toQueue: 'queue' in to ? to.queue : null,
        };
        const why = input.why
          ? worded(input.why.code, { ...input.why.params, ...moved })
          : worded('reassigned', { actor: input.actor, ...moved, note: input.reason });
        const result: AssignmentResult =
          'repEmail' in to
            ? { kind: 'rep', repEmail: to.repEmail, explanation }
            : { kind: 'queue', queue: to.queue, explanation };
        await setOwner(
          tx,
          input,
          result.kind === 'rep' ? { ownerId: result.repEmail, queue: null } : { ownerId: null, queue: result.queue },
        );
        if (result.kind === 'rep' && lead.ownerId) await handOverTasks(tx, input.leadId, lead.ownerId, result.repEmail);
        await record(tx, { ...input, rulesetVersion: null }, result, now, {
          manual: true,
          actor: input.actor,
          reason: explanation,
          why,
        });
        return result;
      });
    },
  };
}

export type RoutingActivities = ReturnType<typeof createRoutingActivities>;

type Tx = Prisma.TransactionClient;
type Provider = 'sqlite' | 'postgresql';

/** Generous waits: under a burst, transactions queue for the write lock (SQLite) or a pool connection. */
const TRANSACTION_OPTIONS = { maxWait: 60_000, timeout: 30_000 };

/** What an assignment will touch, known before the transaction starts. */
type Plan =
  | {
      kind: 'pool';
      rule: string;
      pool: string;
      rules: PoolRouting;
      lockedReps: string[];
      counters: { pool: string; repEmail: string }[];
    }
  | { kind: 'rep'; rule: string; rep: string; repEmail: string; lockedReps: string[] }
  | { kind: 'queue'; queue: string; summary: string; why: Worded<ReasonCode>; lockedReps: string[] };

function planAssignment({ routing, routingRules }: AssignLeadInput): Plan {
  if (routing.kind === 'fallback') {
    return {
      kind: 'queue',
      queue: routing.queue,
      summary: `No routing rule matched: the lead goes to the fallback queue ${routing.queue}.`,
      why: worded('routing-fallback', { queue: routing.queue }),
      lockedReps: [],
    };
  }
  const target = routing.target;
  switch (target.type) {
    case 'queue':
      return {
        kind: 'queue',
        queue: target.queue,
        summary: `Rule "${routing.rule}" sends the lead to queue ${target.queue}.`,
        why: worded('routing-queue', { rule: routing.rule, queue: target.queue }),
        lockedReps: [],
      };
    case 'rep': {
      if (!target.email) {
        const queue = routingRules.fallbackQueue;
        return {
          kind: 'queue',
          queue,
          summary: `Rule "${routing.rule}" names rep ${target.rep}, who is not in the roster; the lead goes to the fallback queue ${queue}.`,
          why: worded('routing-unknown-rep', { rule: routing.rule, rep: target.rep, queue }),
          lockedReps: [],
        };
      }
      return {
        kind: 'rep',
        rule: routing.rule,
        rep: target.rep,
        repEmail: repKey(target.email),
        lockedReps: [repKey(target.email)],
      };
    }
    case 'pool': {
      // The outcome carries the pool as evaluated; it wins over a same-named pool in `routingRules`.
      const rules: PoolRouting = { ...routingRules, pools: { ...routingRules.pools, [target.pool.name]: target.pool } };
      const chain = poolChain(rules, target.pool.name);
      const counters = chain.flatMap((pool) =>
        (rules.pools[pool]?.members ?? []).map((m) => ({ pool, repEmail: repKey(m.email) })),
      );
      // A rep the chain overflows to gains an open lead too, so their lock is taken as well.
      const overflowReps = chain.flatMap((pool) => {
        const overflow = rules.pools[pool]?.overflow;
        const email = overflow?.type === 'rep' ? rules.reps[overflow.rep]?.email : undefined;
        return email ? [repKey(email)] : [];
      });
      return {
        kind: 'pool',
        rule: routing.rule,
        pool: target.pool.name,
        rules,
        lockedReps: [...counters.map((c) => c.repEmail), ...overflowReps],
        counters,
      };
    }
  }
}

/** One assignLead call waiting for its transaction. */
interface Pending {
  input: AssignLeadInput;
  plan: Plan;
  now: Date;
  lockSet: string[];
  resolve(result: AssignmentResult): void;
  reject(error: unknown): void;
}

type Outcome = { ok: true; result: AssignmentResult } | { ok: false; error: LeadflowError };

/** The most assignLead calls one transaction takes. */
const ASSIGN_BATCH = 100;

/** A lead as routing sees it: who holds it, and whether it counts as open. */
interface LeadHold {
  ownerId: string | null;
  queue: string | null;
  open: boolean;
}

/**
 * Assigns a batch of leads under one set of locks (the calls share their tenant and reps), one
 * after another in arrival order, exactly as if each ran in a transaction of its own: each sees
 * the owners, open leads and counters the ones before it left. The reads are made once, the
 * state moves on in memory, and the writes go out grouped at the end. A call that fails (an
 * unknown lead, an idempotency key used for another lead) fails alone and changes nothing.
 */
async function assignInBatch(tx: Tx, provider: Provider, batch: Pending[]): Promise<Outcome[]> {
  const tenant = batch[0]?.input.tenant ?? '';
  const counterKeys = uniqueBy(
    batch.flatMap(({ plan }) => (plan.kind === 'pool' ? plan.counters : [])),
    (c) => `${c.pool}\u0000${c.repEmail}`,
  );
  const counters = await lockCounters(tx, provider, tenant, counterKeys);
  const earlier = await tx.assignment.findMany({
    where: { idempotencyKey: { in: [...new Set(batch.map((item) => item.input.idempotencyKey))] } },
  });
  const leadRows = await lockLeads(tx, provider, tenant, [...new Set(batch.map((item) => item.input.leadId))]);
  const state = counters.length ? await loadState(tx, tenant, counters) : { reps: {}, assigned: {} };
  const namedEmails = [...new Set(batch.flatMap(({ plan }) => (plan.kind === 'rep' ? [plan.repEmail] : [])))];
  const named = namedEmails.length
    ? new Map((await tx.rep.findMany({ where: { tenant, email: { in: namedEmails } } })).map((rep) => [rep.email, rep]))
    : new Map<string, RepRow>();

  const done = new Map(earlier.map((row) => [row.idempotencyKey, { leadId: row.leadId, result: replayOf(row) }]));
  const leads = new Map(
    leadRows.map((row): [string, LeadHold] => [
      row.id,
      { ownerId: row.ownerId, queue: row.queue, open: (OPEN_LEAD_STAGES as readonly string[]).includes(row.stage) },
    ]),
  );
  const counted = new Map<string, { pool: string; repEmail: string; by: number }>();
  const rows: Prisma.AssignmentCreateManyInput[] = [];
  const outcomes = batch.map(({ input, plan, now }): Outcome => {
    const first = done.get(input.idempotencyKey);
    if (first) {
      return first.leadId === input.leadId
        ? { ok: true, result: first.result }
        : { ok: false, error: keyConflict(input.idempotencyKey, first.leadId, input.leadId) };
    }
    const lead = leads.get(input.leadId);
    if (!lead) return { ok: false, error: leadNotFound(input) };
    const { why, ...result } = decide(input, plan, state, named, now);
    const owner =
      result.kind === 'rep' ? { ownerId: result.repEmail, queue: null } : { ownerId: null, queue: result.queue };
    if (lead.open) {
      const from = repIn(state, lead.ownerId);
      if (from) from.openLeads -= 1;
      const to = repIn(state, owner.ownerId);
      if (to) to.openLeads += 1;
    }
    Object.assign(lead, owner);
    if (result.kind === 'rep' && result.pool && plan.kind === 'pool') {
      const byPool = (state.assigned[result.pool] ??= {});
      byPool[result.repEmail] = (byPool[result.repEmail] ?? 0) + 1;
      const key = `${result.pool}\u0000${result.repEmail}`;
      const count = counted.get(key) ?? { pool: result.pool, repEmail: result.repEmail, by: 0 };
      count.by += 1;
      counted.set(key, count);
    }
    rows.push(assignmentRow(input, result, now, { manual: false, actor: null, reason: result.explanation, why }));
    done.set(input.idempotencyKey, { leadId: input.leadId, result });
    return { ok: true, result };
  });

  // Each lead once, at where the batch left it, in one statement per owner or queue.
  const assigned = new Set(rows.map((row) => row.leadId));
  const byOwner = new Map<string, { owner: Omit<LeadHold, 'open'>; ids: string[] }>();
  for (const id of assigned) {
    const lead = leads.get(id);
    if (!lead) continue;
    const key = `${lead.ownerId ?? ''}\u0000${lead.queue ?? ''}`;
    const group = byOwner.get(key) ?? { owner: { ownerId: lead.ownerId, queue: lead.queue }, ids: [] };
    group.ids.push(id);
    byOwner.set(key, group);
  }
  for (const { owner, ids } of byOwner.values()) {
    const { count } = await tx.lead.updateMany({ where: { tenant, id: { in: ids } }, data: owner });
    // A lead deleted since it was read: the batch rolls back and each call runs alone.
    if (count !== ids.length) throw leadNotFound({ tenant, leadId: ids.join(', ') });
  }
  for (const { pool, repEmail, by } of counted.values()) {
    await tx.routingCounter.update({
      where: { tenant_pool_repEmail: { tenant, pool, repEmail } },
      data: { assigned: { increment: by } },
    });
  }
  if (rows.length) await tx.assignment.createMany({ data: rows });
  return outcomes;
}

type RepRow = Awaited<ReturnType<Tx['rep']['findMany']>>[number];

/** Picks the owner of one lead from the batch's state (the reads of its transaction, moved on by the calls before it). */
function decide(
  input: AssignLeadInput,
  plan: Plan,
  state: RoutingState,
  named: Map<string, RepRow>,
  now: Date,
): Decided {
  switch (plan.kind) {
    case 'queue':
      return { kind: 'queue', queue: plan.queue, explanation: plan.summary, why: plan.why };
    case 'rep': {
      const note = availabilityNoteOf(named.get(plan.repEmail), now);
      return {
        kind: 'rep',
        repEmail: plan.repEmail,
        explanation: `Rule "${plan.rule}" names ${plan.rep} <${plan.repEmail}>${note}.`,
        why: worded('routing-rep', { rule: plan.rule, rep: plan.repEmail, away: note ? 'away' : null }),
      };
    }
    case 'pool': {
      const excluded = input.excludeRepEmail ? repKey(input.excludeRepEmail) : undefined;
      const excludedRep = excluded ? repIn(state, excluded) : undefined;
      // Passed over like an inactive rep, so the pool's next member (or its overflow) takes the lead.
      const seen: RoutingState =
        excluded && excludedRep
          ? { ...state, reps: { ...state.reps, [excluded]: { ...excludedRep, active: false } } }
          : state;
      const pick = pickFromPool(plan.rules, plan.pool, seen, now);
      const exclusionNote = excluded ? ` (${excluded} was excluded: the lead is being taken away from them.)` : '';
      const explanation = `Rule "${plan.rule}" routes the lead to pool ${plan.pool}. ${pick.explanation}${exclusionNote}`;
      const routed = {
        rule: plan.rule,
        pool: plan.pool,
        excluded: excluded ?? null,
        // Who was passed over and why, and the pools tried: the details the English explanation tells.
        skipped: passedOverParam(pick.passedOver.filter((p) => p.email !== excluded)),
        tried: pick.poolsTried.join(','),
      };
      if (pick.kind === 'queue') {
        const why = worded('routing-overflow-queue', { ...routed, queue: pick.queue });
        return { kind: 'queue', queue: pick.queue, explanation, why };
      }
      if (pick.pool === null)
        return {
          kind: 'rep',
          repEmail: pick.email,
          explanation,
          why: worded('routing-overflow-rep', { ...routed, rep: pick.email }),
        };
      const why = worded('routing-pool', {
        ...routed,
        rep: pick.email,
        // The pool whose member took it, when the routed pool overflowed into another.
        via: pick.pool === plan.pool ? null : pick.pool,
        passedOver: pick.passedOver.length,
      });
      return { kind: 'rep', repEmail: pick.email, pool: pick.pool, explanation, why };
    }
  }
}

/** The rep of `state` with this exact key (as the open-lead count groups owners), if any. */
function repIn(state: RoutingState, email: string | null): RoutingState['reps'][string] | undefined {
  return email !== null && Object.hasOwn(state.reps, email) ? state.reps[email] : undefined;
}

/**
 * The batch's leads as they stand. On PostgreSQL they are locked as they are read, in id order,
 * as every other writer of several leads locks them (`leadflow_lock_leads`, migration
 * `analytics_lead_lock_order`), so a batch and such a writer never wait on each other in a cycle;
 * on SQLite the transaction already holds the write lock.
 */
async function lockLeads(
  tx: Tx,
  provider: Provider,
  tenant: string,
  ids: string[],
): Promise<{ id: string; ownerId: string | null; queue: string | null; stage: string }[]> {
  if (provider === 'sqlite')
    return tx.lead.findMany({
      where: { tenant, id: { in: ids } },
      select: { id: true, ownerId: true, queue: true, stage: true },
    });
  return tx.$queryRawUnsafe(
    `SELECT "id", "ownerId", "queue", "stage" FROM "Lead" WHERE "tenant" = $1 AND "id" = ANY($2::text[])
     ORDER BY "id" FOR NO KEY UPDATE`,
    tenant,
    ids,
  );
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  return [...new Map(items.map((item) => [key(item), item])).values()];
}

/** Sets the lead's owner or queue; a lead missing from the tenant rolls the whole assignment back. */
async function setOwner(
  tx: Tx,
  input: { tenant: string; leadId: string },
  owner: { ownerId: string | null; queue: string | null },
): Promise<void> {
  const { count } = await tx.lead.updateMany({ where: { id: input.leadId, tenant: input.tenant }, data: owner });
  if (count === 0) throw leadNotFound(input);
}

/**
 * A lead reassigned by hand to another rep: the old owner's open tasks on it (an SLA reminder, a
 * cadence's call step, one made by hand) go to the new owner, so they neither stay on the old
 * owner's list nor go undone. Tasks on the lead's deal stay: they follow the deal's owner, which
 * a lead's reassignment does not change. A lead moved to a queue, or routed on by an escalation,
 * keeps them where they are (the record of who was reminded).
 */
async function handOverTasks(tx: Tx, leadId: string, from: string, to: string): Promise<void> {
  if (repKey(from) === repKey(to)) return;
  await tx.task.updateMany({
    where: { leadId, dealId: null, status: 'open', ownerEmail: { in: [...new Set([from, repKey(from)])] } },
    data: { ownerEmail: to },
  });
}

function leadNotFound(input: { tenant: string; leadId: string }): LeadflowError {
  return new LeadflowError(
    'not_found',
    `No lead ${input.leadId} in tenant ${input.tenant}; it must be recorded before it is assigned.`,
  );
}

/** Availability, open leads (stage new, engaged or mql) and counters of every rep the lead may reach. */
async function loadState(tx: Tx, tenant: string, counters: CounterRow[]): Promise<RoutingState> {
  const emails = [...new Set(counters.map((c) => c.repEmail))];
  const reps = await tx.rep.findMany({ where: { tenant, email: { in: emails } } });
  const open = await tx.lead.groupBy({
    by: ['ownerId'],
    where: { tenant, ownerId: { in: emails }, stage: { in: [...OPEN_LEAD_STAGES] } },
    _count: { _all: true },
  });
  const state: RoutingState = { reps: {}, assigned: {} };
  for (const email of emails) state.reps[email] = { active: true, outOfOffice: null, openLeads: 0, maxOpenLeads: null };
  for (const rep of reps) {
    state.reps[repKey(rep.email)] = {
      active: rep.active,
      outOfOffice:
        rep.outOfOfficeFrom || rep.outOfOfficeUntil ? { from: rep.outOfOfficeFrom, until: rep.outOfOfficeUntil } : null,
      openLeads: 0,
      maxOpenLeads: rep.maxOpenLeads,
    };
  }
  for (const group of open) {
    const rep = group.ownerId ? state.reps[group.ownerId] : undefined;
    if (rep) rep.openLeads = group._count._all;
  }
  for (const row of counters) (state.assigned[row.pool] ??= {})[row.repEmail] = row.assigned;
  return state;
}

/** " (note: out of office until …)" or " (note: marked inactive)" for a named rep who is away; empty otherwise. */
async function availabilityNote(tx: Tx, tenant: string, repEmail: string, now: Date): Promise<string> {
  return availabilityNoteOf(
    (await tx.rep.findUnique({ where: { tenant_email: { tenant, email: repEmail } } })) ?? undefined,
    now,
  );
}

function availabilityNoteOf(rep: RepRow | undefined, now: Date): string {
  if (!rep) return '';
  if (!rep.active) return ' (note: marked inactive)';
  if (isOutOfOffice({ from: rep.outOfOfficeFrom, until: rep.outOfOfficeUntil }, now)) {
    return ` (note: out of office${rep.outOfOfficeUntil ? ` until ${rep.outOfOfficeUntil.toISOString()}` : ''})`;
  }
  return '';
}

async function record(
  tx: Tx,
  input: AssignmentKeys,
  result: AssignmentResult,
  now: Date,
  how: { manual: boolean; actor: string | null; reason: string; why: Worded | null },
): Promise<void> {
  await tx.assignment.create({ data: assignmentRow(input, result, now, how) });
}

interface AssignmentKeys {
  tenant: string;
  leadId: string;
  idempotencyKey: string;
  rulesetVersion: string | null;
}

function assignmentRow(
  input: AssignmentKeys,
  result: AssignmentResult,
  now: Date,
  how: { manual: boolean; actor: string | null; reason: string; why: Worded | null },
): Prisma.AssignmentCreateManyInput {
  return {
    id: input.idempotencyKey,
    idempotencyKey: input.idempotencyKey,
    leadId: input.leadId,
    tenant: input.tenant,
    repEmail: result.kind === 'rep' ? result.repEmail : null,
    queue: result.kind === 'queue' ? result.queue : null,
    pool: result.kind === 'rep' ? (result.pool ?? null) : null,
    reason: how.reason,
    reasonCode: how.why?.code ?? null,
    ...(how.why ? { reasonParams: how.why.params } : {}),
    manual: how.manual,
    actor: how.actor,
    rulesetVersion: input.rulesetVersion,
    assignedAt: now,
  };
}

/** The first result for this idempotency key, if the assignment was already made. */
async function replayed(tx: Tx, idempotencyKey: string, leadId: string): Promise<AssignmentResult | null> {
  const row = await tx.assignment.findUnique({ where: { idempotencyKey } });
  if (!row) return null;
  if (row.leadId !== leadId) throw keyConflict(idempotencyKey, row.leadId, leadId);
  return replayOf(row);
}

/** What the call that made this assignment returned. */
function replayOf(row: {
  repEmail: string | null;
  pool: string | null;
  queue: string | null;
  reason: string;
}): AssignmentResult {
  if (row.repEmail)
    return { kind: 'rep', repEmail: row.repEmail, ...(row.pool ? { pool: row.pool } : {}), explanation: row.reason };
  return { kind: 'queue', queue: row.queue ?? '', explanation: row.reason };
}

function keyConflict(idempotencyKey: string, firstLeadId: string, leadId: string): LeadflowError {
  return new LeadflowError(
    'conflict',
    `Idempotency key ${idempotencyKey} was already used to assign lead ${firstLeadId}, not ${leadId}; use a key per lead and assignment.`,
  );
}

function parseNow(iso: string): Date {
  const now = new Date(iso);
  if (Number.isNaN(now.getTime()))
    throw new LeadflowError('validation_failed', `now must be an ISO-8601 time, got ${JSON.stringify(iso)}.`);
  return now;
}

// ---- concurrency ---------------------------------------------------------------------

/**
 * Serialises this transaction against every other one touching the same reps, in any process
 * (see lockInTransaction).
 */
function serialise(tx: Tx, provider: Provider, tenant: string, repEmails: string[]): Promise<void> {
  return lockInTransaction(tx, provider, {
    lockClass: LOCK_CLASS.routing,
    keys: repEmails.map((email) => `${tenant}\u0000${email}`),
    sqliteTable: { table: 'RoutingCounter', column: 'assigned' },
  });
}

interface CounterRow {
  pool: string;
  repEmail: string;
  assigned: number;
}

/**
 * Reads the round-robin counters of every member the lead may reach, creating missing rows at 0
 * first (so the increment always has a row) and locking them for the rest of the transaction.
 */
async function lockCounters(
  tx: Tx,
  provider: Provider,
  tenant: string,
  counters: { pool: string; repEmail: string }[],
): Promise<CounterRow[]> {
  if (!counters.length) return [];
  const values = counters
    .map((_, i) => (provider === 'sqlite' ? '(?, ?, ?, 0)' : `($${i * 3 + 1}, $${i * 3 + 2}, $${i * 3 + 3}, 0)`))
    .join(', ');
  const rows = await tx.$queryRawUnsafe<{ pool: string; repEmail: string; assigned: number | bigint }[]>(
    `INSERT INTO "RoutingCounter" ("tenant", "pool", "repEmail", "assigned") VALUES ${values}
     ON CONFLICT ("tenant", "pool", "repEmail") DO UPDATE SET "assigned" = "RoutingCounter"."assigned"
     RETURNING "pool", "repEmail", "assigned"`,
    ...counters.flatMap((c) => [tenant, c.pool, c.repEmail]),
  );
  return rows.map((row) => ({ pool: row.pool, repEmail: row.repEmail, assigned: Number(row.assigned) }));
}

/**
 * One queue per key: calls with the same key run one after another, in arrival order. A failed
 * call does not block the ones behind it.
 */
function createKeyedQueue() {
  const tails = new Map<string, Promise<void>>();
  return function inTurn<T>(key: string, work: () => Promise<T>): Promise<T> {
    const result = (tails.get(key) ?? Promise.resolve()).then(work);
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    tails.set(key, tail);
    void tail.then(() => {
      if (tails.get(key) === tail) tails.delete(key);
    });
    return result;
  };
}

/**
 * One queue per key, drained in batches: the first call for a key starts a run, and the calls
 * that arrive while a batch is in flight go together in the next, up to `max`, in arrival order.
 * `run` settles every item of its batch and never throws.
 */
function createKeyedBatcher<T>(run: (batch: T[]) => Promise<void>, max: number) {
  const queues = new Map<string, T[]>();
  return function enqueue(key: string, item: T): void {
    const waiting = queues.get(key);
    if (waiting) {
      waiting.push(item);
      return;
    }
    const queue = [item];
    queues.set(key, queue);
    void (async () => {
      try {
        while (queue.length) await run(queue.splice(0, max));
      } finally {
        queues.delete(key);
      }
    })();
  };
}

const MAX_ATTEMPTS = 8;

/**
 * Retries a transaction that lost a race: SQLite busy, a PostgreSQL deadlock or serialisation
 * failure, a transaction that waited too long to start, or a concurrent insert of the same
 * idempotency key (the retry then returns the first result). Temporal would retry too; this
 * keeps a burst from surfacing as activity failures.
 */
async function withTransientRetry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await work();
    } catch (error) {
      if (attempt >= MAX_ATTEMPTS || !isTransient(error)) throw error;
      await sleep(Math.min(1_000, 20 * 2 ** attempt) * (0.5 + Math.random()));
    }
  }
}

function isTransient(error: unknown): boolean {
  const { code, message } = error as { code?: unknown; message?: unknown };
  if (typeof code === 'string' && ['P1008', 'P2002', 'P2028', 'P2034'].includes(code)) return true;
  return (
    typeof message === 'string' &&
    /database is locked|SQLITE_BUSY|deadlock detected|could not serialize|timeout exceeded when trying to connect/i.test(
      message,
    )
  );
}

function providerOf(db: Db): Provider {
  // Both generated clients share one TypeScript type (see src/db/client.ts); the runtime knows which it is.
  return (db as unknown as { _activeProvider?: string })._activeProvider === 'postgresql' ? 'postgresql' : 'sqlite';
}
