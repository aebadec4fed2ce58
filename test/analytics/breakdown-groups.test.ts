/**
 * Which groups a breakdown lists (src/usecases/analytics/breakdown-groups.ts): those with a record
 * behind a figure, and, by rep or team, every sales rep in sight with their team. Computed here on
 * the hand-made fixture for every report, so the definition holds whatever facts a report was
 * given, not only what one loader happens to read.
 */
import { describe, expect, it } from 'vitest';
import { withoutRecords } from '../../src/domain/analytics/breakdown';
import type { Dimension } from '../../src/domain/analytics/facts';
import { carriesIds, listedGroups } from '../../src/usecases/analytics/breakdown-groups';
import { DEFAULT_OPTIONS, REPORTS } from '../../src/usecases/analytics/reports';
import { segmentKeyOf } from '../../src/usecases/analytics/lead-arrivals';
import { reportFrom, type ReportRequest } from '../../src/usecases/analytics/run-report';
import type { Sight } from '../../src/usecases/visibility';
import { ALICE, AS_OF, BOB, CAROL, MARIA, NEW_YORK_HOURS, NINA, ZONE, fixtureFacts } from './fixture';

const revops: Sight = { tenant: 'acme', all: true, admin: true, owners: [], queues: [], me: 'ops@example.com' };

const request = (from: string, to: string, breakdown?: Dimension): ReportRequest => ({
  sight: revops,
  filters: { from, to, zone: ZONE, breakdown },
  options: DEFAULT_OPTIONS,
  asOf: AS_OF,
  defaultZone: 'UTC',
  calendar: NEW_YORK_HOURS,
  probabilities: { 'needs-analysis': 1000, presentation: 2500, proposal: 5000, negotiation: 7500 },
});

// June 2024, against May: the fixture's first lead arrives in January 2025.
const BEFORE_ANY = ['2024-06-01', '2024-06-30'] as const;

describe('the groups a breakdown lists', () => {
  it.each(REPORTS)(
    'when nothing of the %s report is recorded in the period or the one before, then by source no group is listed, by rep each sales rep at zero, by team each team',
    (report) => {
      const facts = fixtureFacts();
      // Every lead, deal, quote and contract of the fixture is loaded, but none counts in June 2024.
      expect(reportFrom(facts, report, request(...BEFORE_ANY, 'source')).breakdown?.groups).toEqual([]);
      const byRep = reportFrom(facts, report, request(...BEFORE_ANY, 'rep')).breakdown!.groups;
      expect(byRep.map((group) => group.key)).toEqual([ALICE, BOB, CAROL]);
      // At zero: no figure of theirs has a record behind it, and each is what the report gives on no records.
      for (const group of byRep) expect(carriesIds(group)).toBe(false);
      if (report !== 'pipeline')
        // (The pipeline's whole also shows quotas, which a part does not.)
        expect(partOf(byRep[0]!)).toEqual(partOf(reportFrom(withoutRecords(facts), report, request(...BEFORE_ANY))));
      const byTeam = reportFrom(facts, report, request(...BEFORE_ANY, 'team')).breakdown!.groups;
      expect(byTeam.map((group) => group.key)).toEqual([MARIA, NINA]);
    },
  );

  it.each(REPORTS)(
    'when the %s report is broken down over the fixture, then every group but a roster one has a record behind a figure, and every one of the whole is in a group',
    (report) => {
      const facts = fixtureFacts();
      for (const dimension of ['source', 'campaign', 'industry', 'rep'] as const) {
        const read = reportFrom(facts, report, request('2026-03-02', '2026-03-29', dimension));
        const groups = read.breakdown!.groups;
        for (const group of groups)
          if (!(dimension === 'rep' && [ALICE, BOB, CAROL].includes(group.key)))
            expect(carriesIds([group.current, group.previous]), `${dimension} ${group.key}`).toBe(true);
        // Nothing the whole counts is lost to an unlisted group: some group carries ids when the whole does.
        if (carriesIds([read.current, read.previous])) expect(groups.some((g) => carriesIds(g))).toBe(true);
      }
    },
  );

  it('when facts without a record are computed, then no report carries an id, whole or as a roster group', () => {
    const empty = withoutRecords(fixtureFacts());
    for (const report of REPORTS) {
      const whole = reportFrom(empty, report, request('2026-03-02', '2026-03-29'));
      expect(carriesIds([whole.current, whole.previous]), report).toBe(false);
      const byTeam = reportFrom(empty, report, request('2026-03-02', '2026-03-29', 'team')).breakdown!.groups;
      expect(byTeam.map((group) => group.key)).toEqual([MARIA, NINA]);
      expect(carriesIds(byTeam), report).toBe(false);
    }
  });

  it.each(REPORTS)(
    "when one rep's email is spelt with capitals on some records, then the %s report by rep lists them once, in lower case",
    (report) => {
      const facts = fixtureFacts();
      const shout = <F extends { segment: { rep: string | null } }>(fact: F): F =>
        fact.segment.rep === ALICE ? { ...fact, segment: { ...fact.segment, rep: ALICE.toUpperCase() } } : fact;
      // Her deals and activities (not her leads) carry her email in capitals.
      const mixed = { ...facts, deals: facts.deals.map(shout), activities: facts.activities.map(shout) };
      const read = (of: typeof facts) => reportFrom(of, report, request('2026-03-02', '2026-03-29', 'rep'));
      expect(read(mixed).breakdown).toEqual(read(facts).breakdown);
      expect(segmentKeyOf({ rep: ALICE.toUpperCase(), segType: null, segText: null }, 'rep', null)).toBe(ALICE);
    },
  );
});

describe('listedGroups', () => {
  const figures = (ids: string[]) => ({ current: { leads: { count: ids.length, ids } }, previous: null });

  it('when a candidate counts nothing, then it is left out; a roster key is listed at zero; (none) comes last', () => {
    const counted: Record<string, string[]> = { '(none)': ['L9'], 'b@x': ['L1'], 'c@x': [] };
    const groups = listedGroups(
      ['c@x', '(none)', 'b@x'],
      ['a@x'],
      (key) => figures(counted[key] ?? []),
      () => figures([]),
    );
    expect(groups).toEqual([
      { key: 'a@x', ...figures([]) },
      { key: 'b@x', ...figures(['L1']) },
      { key: '(none)', ...figures(['L9']) },
    ]);
  });

  it('when a roster key is spelled otherwise by a listed group, then it is not listed twice', () => {
    const groups = listedGroups(
      ['Alice@X'],
      ['alice@x', 'bob@x'],
      () => figures(['L1']),
      () => figures([]),
    );
    expect(groups.map((group) => group.key)).toEqual(['Alice@X', 'bob@x']);
  });

  it('when ids sit deep in a figure (a ratio, a money total), then carriesIds finds them', () => {
    expect(carriesIds({ a: [{ b: { numeratorIds: [], denominatorIds: ['D1'] } }] })).toBe(true);
    expect(carriesIds({ a: [{ b: { numeratorIds: [], denominatorIds: [] } }], count: 3 })).toBe(false);
  });
});

function partOf(report: { current: unknown; previous: unknown }) {
  return { current: report.current, previous: report.previous };
}
