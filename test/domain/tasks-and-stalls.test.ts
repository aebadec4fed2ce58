import { describe, expect, it } from 'vitest';
import { stallReasons, stalledAlert } from '../../src/domain/deal-stall';
import { dueRange, localToday, snoozeRefusal } from '../../src/domain/tasks';

describe("task due windows are the person's calendar days", () => {
  // 2027-03-01T23:30Z is already 2027-03-02 08:30 in Tokyo and still 2027-03-01 18:30 in New York.
  const now = new Date('2027-03-01T23:30:00Z');
  it.each([
    ['Asia/Tokyo', 'today', '2027-03-01T15:00:00.000Z', '2027-03-02T15:00:00.000Z'],
    ['America/New_York', 'today', '2027-03-01T05:00:00.000Z', '2027-03-02T05:00:00.000Z'],
    ['Asia/Tokyo', 'week', '2027-03-01T15:00:00.000Z', '2027-03-08T15:00:00.000Z'],
    // New York moves to summer time on 2027-03-14: a week that spans it still ends at local midnight.
    ['America/New_York', 'week', '2027-03-01T05:00:00.000Z', '2027-03-08T05:00:00.000Z'],
  ] as const)('when the zone is %s and the window %s, then it runs from %s to %s', (zone, window, from, before) => {
    const range = dueRange(window, now, zone);
    expect([range.from?.toISOString(), range.before?.toISOString()]).toEqual([from, before]);
  });

  it('when the window is overdue, then it is everything due before now; all has no bounds', () => {
    expect(dueRange('overdue', now, 'UTC')).toEqual({ before: now });
    expect(dueRange('all', now, 'UTC')).toEqual({});
    expect([localToday(now, 'Asia/Tokyo'), localToday(now, 'America/New_York')]).toEqual(['2027-03-02', '2027-03-01']);
  });

  it.each([
    ['an open task, later', 'open', '2027-03-02T00:00:00Z', null],
    ['an open task, now', 'open', '2027-03-01T23:30:00Z', 'must be in the future (it is now 2027-03-01T23:30:00.000Z)'],
    ['a done task', 'done', '2027-03-05T00:00:00Z', 'the task is done; only an open task can be snoozed'],
  ])('when snoozing %s, then the refusal is %s', (_, status, until, refusal) => {
    expect(snoozeRefusal({ status }, new Date(until), now)).toBe(refusal);
  });
});

describe('why a deal is stalling', () => {
  const open = {
    stage: 'proposal',
    nextStep: 'Send the security questionnaire',
    nextStepDueOn: '2027-03-01',
    stageAlert: null,
  };
  it.each([
    ['a next step due today', open, []],
    ['a next step due yesterday', { ...open, nextStepDueOn: '2027-02-28' }, ['next-step-overdue']],
    ['a next step without a date', { ...open, nextStepDueOn: null }, []],
    ['no next step', { ...open, nextStep: null, nextStepDueOn: null }, ['no-next-step']],
    [
      'a fired stall alert and an overdue next step',
      { ...open, nextStepDueOn: '2027-01-10', stageAlert: { alert: 'proposal-without-answer', stage: 'proposal' } },
      ['stage-alert', 'next-step-overdue'],
    ],
    ['an alert from a stage the deal has left', { ...open, stageAlert: { alert: 'x', stage: 'presentation' } }, []],
    ['a closed deal without a next step', { ...open, stage: 'closed-won', nextStep: null, nextStepDueOn: null }, []],
  ])('when the deal has %s, then the reasons are %j', (_, deal, codes) => {
    expect(stallReasons(deal, '2027-03-01').map((reason) => reason.code)).toEqual(codes);
  });

  it("when the journey's stall clock only watches, then no alert has fired", () => {
    expect(stalledAlert({ stalled: { alert: 'a', stage: 'proposal', status: 'watching' } })).toBeNull();
    expect(stalledAlert({ stalled: { alert: 'a', stage: 'proposal', status: 'alerted' } })).toEqual({
      alert: 'a',
      stage: 'proposal',
    });
    expect(stalledAlert({ stalled: null })).toBeNull();
  });
});
