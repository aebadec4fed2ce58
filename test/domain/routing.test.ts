import { describe, expect, it } from 'vitest';
import {
  isOutOfOffice,
  pickFromPool,
  poolChain,
  type PoolRouting,
  type RepAvailability,
  type RoutingState,
} from '../../src/domain/routing';
import type { CompiledPool } from '../../src/rules/ruleset';
import { email, pool } from '../routing/support';

const NOW = new Date('2026-03-02T10:00:00.000Z');
function routingOf(...pools: CompiledPool[]): PoolRouting {
  const reps = Object.fromEntries(pools.flatMap((p) => p.members).map((m) => [m.rep, { email: m.email, name: null }]));
  return {
    pools: Object.fromEntries(pools.map((p) => [p.name, p])),
    reps: { ...reps, olga: { email: email('olga'), name: null } },
    fallbackQueue: 'fallback',
  };
}

function stateOf(
  reps: Record<string, Partial<RepAvailability>> = {},
  assigned: RoutingState['assigned'] = {},
): RoutingState {
  return {
    reps: Object.fromEntries(
      Object.entries(reps).map(([rep, a]) => [
        email(rep),
        { active: true, outOfOffice: null, openLeads: 0, maxOpenLeads: null, ...a },
      ]),
    ),
    assigned,
  };
}

/** Routes `n` leads one after another, as the activity does: every pick bumps the counter and the open leads. */
function simulate(routing: PoolRouting, start: string, n: number, state = stateOf()) {
  const owners: string[] = [];
  for (let i = 0; i < n; i++) {
    const pick = pickFromPool(routing, start, state, NOW);
    if (pick.kind === 'queue') {
      owners.push(`queue:${pick.queue}`);
      continue;
    }
    owners.push(pick.rep);
    const key = pick.email;
    if (pick.pool) {
      const counters = (state.assigned[pick.pool] ??= {});
      counters[key] = (counters[key] ?? 0) + 1;
    }
    const rep = (state.reps[key] ??= { active: true, outOfOffice: null, openLeads: 0, maxOpenLeads: null });
    rep.openLeads += 1;
  }
  const shares: Record<string, number> = {};
  for (const owner of owners) shares[owner] = (shares[owner] ?? 0) + 1;
  return { owners, shares };
}

describe('pickFromPool: whose turn it is', () => {
  it.each([
    {
      name: 'equal weights take strict turns in roster order',
      members: [
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ] as [string, number][],
      n: 7,
      order: ['a', 'b', 'c', 'a', 'b', 'c', 'a'],
    },
    {
      name: 'weights 2:1:1 repeat a a b c',
      members: [
        ['a', 2],
        ['b', 1],
        ['c', 1],
      ] as [string, number][],
      n: 8,
      order: ['a', 'a', 'b', 'c', 'a', 'a', 'b', 'c'],
    },
    {
      name: 'the heavier rep need not come first in the roster',
      members: [
        ['b', 1],
        ['a', 2],
      ] as [string, number][],
      n: 6,
      order: ['a', 'b', 'a', 'a', 'b', 'a'],
    },
  ])('when $name, then the owners come in that order', ({ members, n, order }) => {
    expect(simulate(routingOf(pool('p', members)), 'p', n).owners).toEqual(order);
  });

  it.each([
    { weights: [1, 1, 1], n: 1000, expected: [334, 333, 333] },
    { weights: [1, 1, 1, 1, 1, 1, 1], n: 1000, expected: [143, 143, 143, 143, 143, 143, 142] },
    { weights: [2, 1, 1], n: 1000, expected: [500, 250, 250] },
    { weights: [3, 1], n: 1000, expected: [750, 250] },
    { weights: [1.5, 1], n: 1000, expected: [600, 400] },
  ])('when 1000 leads go to a pool weighted $weights, then the shares are $expected', ({ weights, n, expected }) => {
    const members = weights.map((w, i): [string, number] => [`r${i}`, w]);
    const { shares } = simulate(routingOf(pool('p', members)), 'p', n);
    expect(members.map(([rep]) => shares[rep] ?? 0)).toEqual(expected);
  });

  it('when counters already differ (a rep joined late), then the rep with the lowest (assigned + 1) / weight is picked', () => {
    const routing = routingOf(
      pool('p', [
        ['a', 2],
        ['b', 1],
      ]),
    );
    const pick = pickFromPool(routing, 'p', stateOf({}, { p: { [email('a')]: 9, [email('b')]: 4 } }), NOW);
    // a: 10 / 2 = 5, b: 5 / 1 = 5 → tie, roster order wins
    expect(pick).toMatchObject({ kind: 'rep', rep: 'a', pool: 'p' });
    expect(pickFromPool(routing, 'p', stateOf({}, { p: { [email('a')]: 10, [email('b')]: 4 } }), NOW)).toMatchObject({
      rep: 'b',
    });
  });
});

describe('pickFromPool: who may take a lead', () => {
  const ooo = (from: string | null, until: string | null) => ({
    outOfOffice: { from: from ? new Date(from) : null, until: until ? new Date(until) : null },
  });
  it.each([
    {
      when: 'a is inactive',
      reps: { a: { active: false } },
      skip: undefined,
      picked: 'b',
      because: 'a <a@example.com> (inactive)',
    },
    {
      when: 'a is out of office now',
      reps: { a: ooo('2026-03-01T00:00:00Z', '2026-03-05T00:00:00Z') },
      skip: undefined,
      picked: 'b',
      because: 'a <a@example.com> (out of office until 2026-03-05T00:00:00.000Z)',
    },
    {
      when: 'a is out of office until further notice',
      reps: { a: ooo('2026-03-01T00:00:00Z', null) },
      skip: undefined,
      picked: 'b',
      because: 'a <a@example.com> (out of office)',
    },
    {
      when: "a's out-of-office starts tomorrow",
      reps: { a: ooo('2026-03-03T00:00:00Z', '2026-03-05T00:00:00Z') },
      skip: undefined,
      picked: 'a',
      because: null,
    },
    {
      when: "a's out-of-office ended exactly now",
      reps: { a: ooo('2026-02-01T00:00:00Z', NOW.toISOString()) },
      skip: undefined,
      picked: 'a',
      because: null,
    },
    {
      when: 'a is at the pool cap',
      reps: { a: { openLeads: 5 } },
      skip: undefined,
      picked: 'b',
      because: 'a <a@example.com> (at capacity: 5 open leads, cap 5)',
    },
    {
      when: 'a is at the pool cap but has a higher cap of their own',
      reps: { a: { openLeads: 5, maxOpenLeads: 8 } },
      skip: undefined,
      picked: 'a',
      because: null,
    },
    {
      when: 'a is under the pool cap but at a lower cap of their own',
      reps: { a: { openLeads: 2, maxOpenLeads: 2 } },
      skip: undefined,
      picked: 'b',
      because: 'a <a@example.com> (at capacity: 2 open leads, cap 2)',
    },
    {
      when: 'a is out of office but the pool skips only inactive reps',
      reps: { a: ooo(null, '2026-03-05T00:00:00Z') },
      skip: ['inactive'] as const,
      picked: 'a',
      because: null,
    },
    {
      when: 'a is inactive but the pool skips nobody',
      reps: { a: { active: false } },
      skip: [] as const,
      picked: 'a',
      because: null,
    },
  ])('when $when, then $picked is picked', ({ reps, skip, picked, because }) => {
    const routing = routingOf(
      pool(
        'p',
        [
          ['a', 1],
          ['b', 1],
        ],
        { maxOpenLeads: 5, ...(skip ? { skip: [...skip] } : {}) },
      ),
    );
    const pick = pickFromPool(routing, 'p', stateOf(reps), NOW);
    expect(pick).toMatchObject({ kind: 'rep', rep: picked });
    if (because)
      expect(pick.explanation).toContain(`Pool p: skipped ${because}; picked ${picked} <${picked}@example.com>`);
    else expect(pick.passedOver).toEqual([]);
  });

  it('when caps are 3 and 10 leads go to three reps, then each gets 3 and the tenth overflows to the queue', () => {
    const { shares } = simulate(
      routingOf(
        pool(
          'p',
          [
            ['a', 1],
            ['b', 1],
            ['c', 1],
          ],
          { maxOpenLeads: 3 },
        ),
      ),
      'p',
      10,
    );
    expect(shares).toEqual({ a: 3, b: 3, c: 3, 'queue:unassigned-mql': 1 });
  });

  it('when a rep is out of office for the whole run, then they receive nothing and the others share equally', () => {
    const state = stateOf({ b: { outOfOffice: { from: null, until: new Date('2026-04-01T00:00:00Z') } } });
    const { shares } = simulate(
      routingOf(
        pool('p', [
          ['a', 1],
          ['b', 1],
          ['c', 1],
        ]),
      ),
      'p',
      100,
      state,
    );
    expect(shares).toEqual({ a: 50, c: 50 });
  });
});

describe('pickFromPool: when nobody in the pool can take the lead', () => {
  const everyoneAway = stateOf({ a: { active: false }, b: { openLeads: 9 } });
  const full = pool(
    'full',
    [
      ['a', 1],
      ['b', 1],
    ],
    { maxOpenLeads: 9 },
  );
  const fullThen = (overflow: CompiledPool['overflow']): CompiledPool => ({ ...full, overflow });

  it.each([
    {
      when: 'the pool overflows to a queue',
      pools: [full],
      expected: { kind: 'queue', queue: 'unassigned-mql', poolsTried: ['full'] },
      story:
        'Pool full: nobody could take the lead: a <a@example.com> (inactive), b <b@example.com> (at capacity: 9 open leads, cap 9); overflow to queue unassigned-mql.',
    },
    {
      when: 'the pool overflows to another pool',
      pools: [fullThen({ type: 'pool', pool: 'spare' }), pool('spare', [['c', 1]])],
      expected: { kind: 'rep', rep: 'c', pool: 'spare', poolsTried: ['full', 'spare'] },
      story: 'overflow to pool spare. Pool spare: picked c <c@example.com>',
    },
    {
      when: 'the pool overflows to a named rep',
      pools: [fullThen({ type: 'rep', rep: 'olga' })],
      expected: { kind: 'rep', rep: 'olga', email: 'olga@example.com', pool: null },
      story: 'overflow to olga <olga@example.com>.',
    },
    {
      when: 'overflow goes round in a cycle',
      pools: [
        fullThen({ type: 'pool', pool: 'other' }),
        pool('other', [['b', 1]], { maxOpenLeads: 9, overflow: { type: 'pool', pool: 'full' } }),
      ],
      expected: { kind: 'queue', queue: 'fallback', poolsTried: ['full', 'other'] },
      story: 'was already tried (full → other → full), so the lead goes to the fallback queue fallback.',
    },
    {
      when: 'the overflow pool does not exist',
      pools: [fullThen({ type: 'pool', pool: 'ghost' })],
      expected: { kind: 'queue', queue: 'fallback' },
      story: 'Pool ghost is not defined in routing.yaml, so the lead goes to the fallback queue fallback.',
    },
  ])(
    'when $when, then the lead goes where the overflow says, and the explanation says why',
    ({ pools, expected, story }) => {
      const pick = pickFromPool(routingOf(...pools), 'full', everyoneAway, NOW);
      expect(pick).toMatchObject(expected);
      expect(pick.explanation).toContain(story);
    },
  );
});

describe('poolChain', () => {
  it.each([
    { start: 'a', expected: ['a', 'b', 'c'] },
    { start: 'c', expected: ['c'] },
    { start: 'x', expected: ['x', 'y'] },
    { start: 'nope', expected: [] },
  ])('when routing starts at pool $start, then the pools it may visit are $expected', ({ start, expected }) => {
    const routing = routingOf(
      pool('a', [['r', 1]], { overflow: { type: 'pool', pool: 'b' } }),
      pool('b', [['r', 1]], { overflow: { type: 'pool', pool: 'c' } }),
      pool('c', [['r', 1]]),
      pool('x', [['r', 1]], { overflow: { type: 'pool', pool: 'y' } }),
      pool('y', [['r', 1]], { overflow: { type: 'pool', pool: 'x' } }),
    );
    expect(poolChain(routing, start)).toEqual(expected);
  });
});

describe('isOutOfOffice', () => {
  const d = (iso: string) => new Date(iso);
  it.each([
    { window: null, expected: false },
    { window: { from: null, until: null }, expected: false },
    { window: { from: d('2026-03-02T10:00:00Z'), until: null }, expected: true },
    { window: { from: d('2026-03-02T10:00:01Z'), until: null }, expected: false },
    { window: { from: null, until: d('2026-03-02T10:00:01Z') }, expected: true },
    { window: { from: null, until: d('2026-03-02T10:00:00Z') }, expected: false },
  ])('when the window is $window at 10:00, then out of office is $expected', ({ window, expected }) => {
    expect(isOutOfOffice(window, NOW)).toBe(expected);
  });
});
