import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/client';
import type { PoolRouting } from '../../src/domain/routing';
import type { RoutingOutcome } from '../../src/rules/evaluate-routing';
import type { CompiledPool } from '../../src/rules/ruleset';
import type { AssignLeadInput } from '../../activities/routing';

export const NOW = '2026-03-02T10:00:00.000Z';

export const email = (rep: string) => `${rep}@example.com`;

/** A tenant of its own per test, so counters and leads never mix. */
export const newTenant = () => `t-${randomBytes(4).toString('hex')}`;

export function pool(
  name: string,
  members: [rep: string, weight: number][],
  overrides: Partial<CompiledPool> = {},
): CompiledPool {
  return {
    name,
    strategy: members.some(([, w]) => w !== 1) ? 'weighted' : 'round-robin',
    members: members.map(([rep, weight]) => ({ rep, email: email(rep), weight })),
    maxOpenLeads: null,
    skip: ['inactive', 'out-of-office'],
    overflow: { type: 'queue', queue: 'unassigned-mql' },
    ...overrides,
  };
}

export function routingRulesOf(...pools: CompiledPool[]): PoolRouting {
  const reps = Object.fromEntries(pools.flatMap((p) => p.members).map((m) => [m.rep, { email: m.email, name: null }]));
  return { pools: Object.fromEntries(pools.map((p) => [p.name, p])), reps, fallbackQueue: 'unassigned-mql' };
}

export const toPool = (target: CompiledPool): RoutingOutcome => ({
  kind: 'assign',
  rule: 'test-rule',
  target: { type: 'pool', pool: target },
});

/** Inserts `count` leads in `stage` and returns their ids. */
export async function createLeads(db: Db, tenant: string, count: number, stage = 'mql'): Promise<string[]> {
  const ids = Array.from({ length: count }, (_, i) => `${tenant}-lead-${i}`);
  for (let start = 0; start < ids.length; start += 500) {
    await db.lead.createMany({
      data: ids.slice(start, start + 500).map((id) => ({
        id,
        tenant,
        email: `${id}@buyer.example`,
        source: 'ads',
        sourceDetails: {},
        attributes: {},
        journeyId: `journey-${id}`,
        stage,
      })),
    });
  }
  return ids;
}

/** The assignLead input for one lead routed to `target` (a pool of `rules`). */
export function assignInput(
  tenant: string,
  leadId: string,
  target: CompiledPool,
  rules: PoolRouting = routingRulesOf(target),
): AssignLeadInput {
  return {
    tenant,
    leadId,
    routing: toPool(target),
    routingRules: rules,
    rulesetVersion: 'v-test',
    idempotencyKey: `assign:${leadId}`,
    now: NOW,
  };
}

/** Leads per owner (or `queue:<name>`) as stored on the lead rows. */
export async function ownerShares(db: Db, tenant: string): Promise<Record<string, number>> {
  const leads = await db.lead.findMany({ where: { tenant }, select: { ownerId: true, queue: true } });
  const shares: Record<string, number> = {};
  for (const lead of leads) {
    const key = lead.ownerId ?? `queue:${lead.queue ?? 'none'}`;
    shares[key] = (shares[key] ?? 0) + 1;
  }
  return shares;
}

/**
 * `db` with its interactive transactions counted, each transaction's client passed through
 * `through` first (to make one of its calls fail, say).
 */
export function countingTransactions(db: Db, through: (tx: Db) => Db = (tx) => tx): { db: Db; count(): number } {
  let count = 0;
  const counted = new Proxy(db, {
    get(client, name) {
      const value: unknown = Reflect.get(client, name);
      if (name !== '$transaction' || typeof value !== 'function')
        return typeof value === 'function' ? value.bind(client) : value;
      return (work: (tx: Db) => Promise<unknown>, options: unknown) => {
        count += 1;
        return value.call(client, (tx: Db) => work(through(tx)), options) as unknown;
      };
    },
  });
  return { db: counted, count: () => count };
}
