import { describe, expect, it } from 'vitest';
import {
  decisionMakerStatus,
  reportingCycle,
  stakeholderGraph,
  stakeholderWarnings,
  type Stakeholder,
} from '../../src/domain/stakeholders';

const ENGAGED = new Date('2026-03-02T10:00:00Z');

function person(id: string, role: Stakeholder['role'], extra: Partial<Stakeholder> = {}): Stakeholder {
  return {
    id,
    name: id[0]!.toUpperCase() + id.slice(1),
    email: null,
    title: null,
    role,
    influence: 'medium',
    reportsToId: null,
    engagedAt: null,
    ...extra,
  };
}

const codes = (stakeholders: Stakeholder[]) => stakeholderWarnings(stakeholders).map((w) => w.code);

describe('stakeholder warnings', () => {
  it.each([
    { when: 'nobody is known', stakeholders: [], expected: ['no-decision-maker', 'no-champion'] },
    {
      when: 'only a champion and users are known',
      stakeholders: [person('cara', 'champion'), person('uma', 'user')],
      expected: ['no-decision-maker'],
    },
    {
      when: 'the decision maker never engaged',
      stakeholders: [person('dana', 'decision-maker'), person('cara', 'champion')],
      expected: ['decision-maker-not-engaged'],
    },
    {
      when: 'only the economic buyer is known, engaged',
      stakeholders: [person('erin', 'economic-buyer', { engagedAt: ENGAGED }), person('cara', 'champion')],
      expected: [],
    },
    {
      when: 'one of two decision makers engaged',
      stakeholders: [
        person('dana', 'decision-maker'),
        person('erin', 'economic-buyer', { engagedAt: ENGAGED }),
        person('cara', 'champion'),
      ],
      expected: [],
    },
    {
      when: 'a blocker has high influence',
      stakeholders: [
        person('dana', 'decision-maker', { engagedAt: ENGAGED }),
        person('cara', 'champion'),
        person('bo', 'blocker', { influence: 'high' }),
      ],
      expected: ['high-influence-blocker'],
    },
    {
      when: 'a blocker has medium influence',
      stakeholders: [
        person('dana', 'decision-maker', { engagedAt: ENGAGED }),
        person('cara', 'champion'),
        person('bo', 'blocker'),
      ],
      expected: [],
    },
    {
      when: 'a high-influence influencer is not a blocker',
      stakeholders: [
        person('dana', 'decision-maker', { engagedAt: ENGAGED }),
        person('ivy', 'influencer', { influence: 'high' }),
      ],
      expected: ['no-champion'],
    },
  ])('when $when, then the warnings are $expected', ({ stakeholders, expected }) => {
    expect(codes(stakeholders)).toEqual(expected);
  });

  it('when warnings are about people, then they name them; when about someone missing, they name nobody', () => {
    const warnings = stakeholderWarnings([
      person('dana', 'decision-maker'),
      person('erin', 'economic-buyer'),
      person('bo', 'blocker', { influence: 'high' }),
    ]);
    expect(warnings).toEqual([
      {
        code: 'decision-maker-not-engaged',
        message: expect.stringContaining('Dana, Erin'),
        contactIds: ['dana', 'erin'],
      },
      {
        code: 'high-influence-blocker',
        message: expect.stringContaining('Bo is a blocker with high influence'),
        contactIds: ['bo'],
      },
      { code: 'no-champion', message: expect.stringContaining('identify a champion'), contactIds: [] },
    ]);
  });

  it('when the closing checks ask, then a decision maker is identified by either deciding role and engaged if any of them engaged', () => {
    expect(decisionMakerStatus([])).toEqual({ identified: false, engaged: false });
    expect(decisionMakerStatus([person('cara', 'champion', { engagedAt: ENGAGED })])).toEqual({
      identified: false,
      engaged: false,
    });
    expect(decisionMakerStatus([person('dana', 'decision-maker')])).toEqual({ identified: true, engaged: false });
    expect(
      decisionMakerStatus([person('dana', 'decision-maker'), person('erin', 'economic-buyer', { engagedAt: ENGAGED })]),
    ).toEqual({ identified: true, engaged: true });
  });
});

describe('stakeholder graph', () => {
  it('when contacts report to others, then each reporting line is a reports-to edge from the contact to their manager', () => {
    const graph = stakeholderGraph([
      person('erin', 'economic-buyer', { engagedAt: ENGAGED }),
      person('dana', 'decision-maker', { reportsToId: 'erin' }),
      person('cara', 'champion', { reportsToId: 'dana' }),
      person('uma', 'user', { reportsToId: 'gone' }),
    ]);
    expect(graph.nodes.map((n) => n.id)).toEqual(['erin', 'dana', 'cara', 'uma']);
    expect(graph.edges).toEqual([
      { from: 'dana', to: 'erin', kind: 'reports-to' },
      { from: 'cara', to: 'dana', kind: 'reports-to' },
    ]);
    expect(graph.warnings).toEqual([]);
  });
});

describe('reporting cycles', () => {
  const lines = new Map<string, string | null>([
    ['erin', null],
    ['dana', 'erin'],
    ['cara', 'dana'],
  ]);

  it.each([
    {
      when: 'a contact would report to someone below them',
      contact: 'erin',
      reportsTo: 'cara',
      expected: ['erin', 'cara', 'dana', 'erin'],
    },
    {
      when: 'two contacts would report to each other',
      contact: 'dana',
      reportsTo: 'cara',
      expected: ['dana', 'cara', 'dana'],
    },
    { when: 'a contact would report to themself', contact: 'dana', reportsTo: 'dana', expected: ['dana', 'dana'] },
    { when: 'a contact reports up the line', contact: 'cara', reportsTo: 'erin', expected: null },
    { when: 'a reporting line is cleared', contact: 'cara', reportsTo: null, expected: null },
    { when: 'a new contact reports to the bottom of the line', contact: 'new', reportsTo: 'cara', expected: null },
  ])('when $when, then the circle is $expected', ({ contact, reportsTo, expected }) => {
    expect(reportingCycle(lines, contact, reportsTo)).toEqual(expected);
  });

  it('when stored lines already go round elsewhere, then checking another contact still ends', () => {
    const broken = new Map<string, string | null>([
      ['a', 'b'],
      ['b', 'a'],
      ['c', null],
    ]);
    expect(reportingCycle(broken, 'c', 'a')).toBeNull();
  });
});
