/**
 * The roster as reports read it. Whether someone works outside the calendar's zone decides whether
 * a report of the whole tenant reads each response's owner (speed, rule attribution): a roster with
 * one person elsewhere must say so, or their responses would be counted in the wrong hours. A rep
 * who never set a zone has the schema's default, UTC.
 */
import { describe, expect, it } from 'vitest';
import { loadRoster } from '../../src/usecases/analytics/roster';

type Person = {
  id: string;
  email: string;
  managerId: string | null;
  timeZone: string;
  role?: string;
  active?: boolean;
};

/** A roster read from these people, as the database would give them. */
function rosterOf(people: Person[]) {
  return loadRoster({ rep: { findMany: () => Promise.resolve(people) } } as never, 'acme');
}

const person = (email: string, timeZone: string, managerId: string | null = null): Person => ({
  id: email,
  email,
  managerId,
  timeZone,
});

describe('the roster', () => {
  it('when everyone works in New York, then nobody works beyond New York, and someone beyond Shanghai', async () => {
    const roster = await rosterOf([
      person('alice@acme.example', 'America/New_York'),
      person('bob@acme.example', 'America/New_York'),
    ]);
    expect(roster.worksBeyond('America/New_York')).toBe(false);
    expect(roster.worksBeyond('Asia/Shanghai')).toBe(true);
  });

  it('when one person works in Tokyo, then someone works beyond New York', async () => {
    const roster = await rosterOf([
      person('alice@acme.example', 'America/New_York'),
      person('kenji@acme.example', 'Asia/Tokyo'),
    ]);
    expect(roster.worksBeyond('America/New_York')).toBe(true);
    expect(roster.timeZoneOf('KENJI@acme.example')).toBe('Asia/Tokyo');
  });

  it('when a rep kept the default zone (UTC) and the calendar is New York, then someone works beyond it', async () => {
    const roster = await rosterOf([
      person('alice@acme.example', 'America/New_York'),
      person('new@acme.example', 'UTC'),
    ]);
    expect(roster.worksBeyond('America/New_York')).toBe(true);
    expect(roster.worksBeyond('UTC')).toBe(true);
  });

  it('when nobody is on the roster, then every owner works in the calendar zone', async () => {
    const roster = await rosterOf([]);
    expect(roster.worksBeyond('Europe/London')).toBe(false);
    expect(roster.timeZoneOf('anyone@acme.example')).toBeNull();
  });

  it('when a rep has a manager on the roster, then their team is the manager, in lower case', async () => {
    const roster = await rosterOf([
      person('Boss@acme.example', 'UTC'),
      person('rep@acme.example', 'UTC', 'Boss@acme.example'),
    ]);
    expect(roster.teamOf('REP@acme.example')).toBe('boss@acme.example');
  });

  it('when a breakdown lists the sales reps, then a manager and a rep who left are not among them, and each has their team', async () => {
    const roster = await rosterOf([
      { ...person('Boss@acme.example', 'UTC'), role: 'manager', active: true },
      { ...person('zoe@acme.example', 'UTC', 'Boss@acme.example'), role: 'rep', active: true },
      { ...person('ann@acme.example', 'UTC', 'Boss@acme.example'), role: 'rep', active: true },
      { ...person('gone@acme.example', 'UTC', 'Boss@acme.example'), role: 'rep', active: false },
    ]);
    expect(roster.salesReps).toEqual([
      { email: 'ann@acme.example', team: 'boss@acme.example' },
      { email: 'zoe@acme.example', team: 'boss@acme.example' },
    ]);
  });
});
