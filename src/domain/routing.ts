/**
 * Picking the owner inside a routing pool: who may take a lead right now (active, in office,
 * under their cap), and, among those, whose turn it is by smooth weighted round-robin. When
 * nobody can take it, the lead follows the pool's overflow (another pool, a rep or a queue),
 * and an overflow cycle ends in the fallback queue. Pure: state and `now` are passed in.
 */
import type { CompiledPool, CompiledRouting } from '../rules/ruleset';
import type { LeadStage } from './lead';

/** Stages in which a lead counts against its owner's cap; sql, nurture, recycled and disqualified do not. */
export const OPEN_LEAD_STAGES = ['new', 'engaged', 'mql'] as const satisfies readonly LeadStage[];

/** The part of the routing rules the picker reads. */
export type PoolRouting = Pick<CompiledRouting, 'pools' | 'reps' | 'fallbackQueue'>;

/** What leadflow knows about one rep at the moment of routing. */
export interface RepAvailability {
  active: boolean;
  /** Out of office from `from` (null: already) until `until` (null: until further notice). */
  outOfOffice: { from: Date | null; until: Date | null } | null;
  /** Leads the rep owns in an open stage (new, engaged, mql). */
  openLeads: number;
  /** Overrides the pool's `maxOpenLeads` for this rep. */
  maxOpenLeads: number | null;
}

/**
 * Live routing state. Keys are rep emails in lower case. A rep without an entry is active, in
 * office, owns no open leads and has no cap of their own; a missing counter is 0.
 */
export interface RoutingState {
  reps: Record<string, RepAvailability>;
  /** `RoutingCounter.assigned`: leads each member has been given, by pool, then by email. */
  assigned: Record<string, Record<string, number>>;
}

/** Why a pool member was passed over. */
export type PassOverReason =
  | { kind: 'inactive' }
  | { kind: 'out-of-office'; until: Date | null }
  | { kind: 'at-capacity'; openLeads: number; cap: number };

export interface PassedOver {
  pool: string;
  rep: string;
  email: string;
  reason: PassOverReason;
}

/** The picked owner, or the queue the lead goes to, with the story of how. */
export type PoolPick =
  | {
      kind: 'rep';
      rep: string;
      email: string;
      /** null when a pool overflowed to a named rep */ pool: string | null;
      poolsTried: string[];
      passedOver: PassedOver[];
      explanation: string;
    }
  | { kind: 'queue'; queue: string; poolsTried: string[]; passedOver: PassedOver[]; explanation: string };

/**
 * The members a pool passed over, as one value of a reason code: "email kind[ detail]" entries
 * joined by ", " (`inactive`; `out-of-office` with its end, when known; `at-capacity` with
 * open/cap), null when nobody was. The workspace words each in the reader's language.
 */
export function passedOverParam(passedOver: readonly PassedOver[]): string | null {
  if (passedOver.length === 0) return null;
  return passedOver
    .map(({ email, reason }) => {
      switch (reason.kind) {
        case 'inactive':
          return `${email} inactive`;
        case 'out-of-office':
          return reason.until ? `${email} out-of-office ${reason.until.toISOString()}` : `${email} out-of-office`;
        case 'at-capacity':
          return `${email} at-capacity ${reason.openLeads}/${reason.cap}`;
      }
    })
    .join(', ');
}

/** The lower-case key under which state is kept for an email. */
export function repKey(email: string): string {
  return email.trim().toLowerCase();
}

/**
 * The pools a lead may visit starting at `poolName`, in order, following `overflow: { pool }`
 * and stopping at the first repeat. The activity loads state for the members of all of them.
 */
export function poolChain(routing: PoolRouting, poolName: string): string[] {
  const chain: string[] = [];
  let next: string | null = poolName;
  while (next !== null && !chain.includes(next)) {
    const pool: CompiledPool | undefined = routing.pools[next];
    if (!pool) break;
    chain.push(next);
    next = pool.overflow.type === 'pool' ? pool.overflow.pool : null;
  }
  return chain;
}

/** Whether the out-of-office window covers `now` (from inclusive, until exclusive). */
export function isOutOfOffice(outOfOffice: RepAvailability['outOfOffice'], now: Date): boolean {
  if (!outOfOffice || (outOfOffice.from === null && outOfOffice.until === null)) return false;
  const t = now.getTime();
  return (
    (outOfOffice.from === null || outOfOffice.from.getTime() <= t) &&
    (outOfOffice.until === null || t < outOfOffice.until.getTime())
  );
}

const DEFAULT_AVAILABILITY: RepAvailability = { active: true, outOfOffice: null, openLeads: 0, maxOpenLeads: null };

/**
 * Picks who takes a lead routed to `poolName`. Eligible members are those not skipped (inactive,
 * or out of office at `now`, as far as the pool's `skip` lists them) and under their cap (the
 * rep's own `maxOpenLeads`, else the pool's). Among them, the member with the lowest
 * `(assigned + 1) / weight` wins, ties going to the earlier member in the roster: equal weights
 * take strict turns, and weights 2:1:1 give exactly 50/25/25 over every four leads.
 */
export function pickFromPool(routing: PoolRouting, poolName: string, state: RoutingState, now: Date): PoolPick {
  const tried: string[] = [];
  const passedOver: PassedOver[] = [];
  const story: string[] = [];
  let current: string = poolName;
  for (;;) {
    const pool = routing.pools[current];
    if (!pool) {
      story.push(
        `Pool ${current} is not defined in routing.yaml, so the lead goes to the fallback queue ${routing.fallbackQueue}.`,
      );
      return toQueue(routing.fallbackQueue);
    }
    tried.push(current);
    const { winner, skipped } = pickMember(pool, state, now);
    passedOver.push(...skipped);
    if (winner) {
      story.push(
        `Pool ${pool.name}: ${describeSkipped(skipped)}picked ${winner.rep} <${winner.email}> (${describeTurn(pool, winner, state)}).`,
      );
      return {
        kind: 'rep',
        rep: winner.rep,
        email: repKey(winner.email),
        pool: pool.name,
        poolsTried: tried,
        passedOver,
        explanation: story.join(' '),
      };
    }
    const overflow = pool.overflow;
    const because = `Pool ${pool.name}: nobody could take the lead: ${skipped.map(describePassOver).join(', ')}`;
    switch (overflow.type) {
      case 'pool':
        if (tried.includes(overflow.pool)) {
          story.push(
            `${because}; its overflow, pool ${overflow.pool}, was already tried (${[...tried, overflow.pool].join(' → ')}), so the lead goes to the fallback queue ${routing.fallbackQueue}.`,
          );
          return toQueue(routing.fallbackQueue);
        }
        story.push(`${because}; overflow to pool ${overflow.pool}.`);
        current = overflow.pool;
        break;
      case 'queue':
        story.push(`${because}; overflow to queue ${overflow.queue}.`);
        return toQueue(overflow.queue);
      case 'rep': {
        const email = routing.reps[overflow.rep]?.email;
        if (!email) {
          story.push(
            `${because}; its overflow rep ${overflow.rep} is not in the roster, so the lead goes to the fallback queue ${routing.fallbackQueue}.`,
          );
          return toQueue(routing.fallbackQueue);
        }
        story.push(`${because}; overflow to ${overflow.rep} <${email}>.`);
        return {
          kind: 'rep',
          rep: overflow.rep,
          email: repKey(email),
          pool: null,
          poolsTried: tried,
          passedOver,
          explanation: story.join(' '),
        };
      }
    }
  }

  function toQueue(queue: string): PoolPick {
    return { kind: 'queue', queue, poolsTried: tried, passedOver, explanation: story.join(' ') };
  }
}

type Member = CompiledPool['members'][number];

/** One pool, no overflow: the eligible member whose turn it is, and who was passed over. */
function pickMember(
  pool: CompiledPool,
  state: RoutingState,
  now: Date,
): { winner: Member | null; skipped: PassedOver[] } {
  const skipped: PassedOver[] = [];
  let winner: Member | null = null;
  for (const member of pool.members) {
    const reason = passOverReason(pool, state.reps[repKey(member.email)] ?? DEFAULT_AVAILABILITY, now);
    if (reason) {
      skipped.push({ pool: pool.name, rep: member.rep, email: repKey(member.email), reason });
      continue;
    }
    // Strictly lower wins, so ties keep the earlier member; cross-multiplied to avoid division.
    if (
      !winner ||
      (assignedTo(state, pool, member) + 1) * winner.weight < (assignedTo(state, pool, winner) + 1) * member.weight
    )
      winner = member;
  }
  return { winner, skipped };
}

function passOverReason(pool: CompiledPool, rep: RepAvailability, now: Date): PassOverReason | null {
  if (pool.skip.includes('inactive') && !rep.active) return { kind: 'inactive' };
  if (pool.skip.includes('out-of-office') && isOutOfOffice(rep.outOfOffice, now))
    return { kind: 'out-of-office', until: rep.outOfOffice?.until ?? null };
  const cap = rep.maxOpenLeads ?? pool.maxOpenLeads;
  if (cap !== null && rep.openLeads >= cap) return { kind: 'at-capacity', openLeads: rep.openLeads, cap };
  return null;
}

function assignedTo(state: RoutingState, pool: CompiledPool, member: Member): number {
  return state.assigned[pool.name]?.[repKey(member.email)] ?? 0;
}

function describeTurn(pool: CompiledPool, winner: Member, state: RoutingState): string {
  const assigned = assignedTo(state, pool, winner);
  const turn = `${assigned} lead${assigned === 1 ? '' : 's'} assigned from this pool so far`;
  return pool.strategy === 'weighted'
    ? `weight ${winner.weight}, ${turn}: the lowest (assigned + 1) / weight`
    : `${turn}: the fewest`;
}

function describeSkipped(skipped: PassedOver[]): string {
  return skipped.length ? `skipped ${skipped.map(describePassOver).join(', ')}; ` : '';
}

/** "bruno <bruno@x.com> (out of office until 2026-03-02T00:00:00.000Z)". */
export function describePassOver(passed: PassedOver): string {
  return `${passed.rep} <${passed.email}> (${describeReason(passed.reason)})`;
}

function describeReason(reason: PassOverReason): string {
  switch (reason.kind) {
    case 'inactive':
      return 'inactive';
    case 'out-of-office':
      return `out of office${reason.until ? ` until ${reason.until.toISOString()}` : ''}`;
    case 'at-capacity':
      return `at capacity: ${reason.openLeads} open leads, cap ${reason.cap}`;
  }
}
