/**
 * The roster as reports read it. Whether everyone works in the calendar's zone decides whether a
 * report of the whole tenant reads each response's owner (speed, rule attribution): a roster with
 * one person elsewhere must say no, or their responses would be counted in the wrong hours.
 */
import { describe, expect, it } from 'vitest';
import { loadRoster } from '../../src/usecases/analytics/roster';

type Person = { id: string; email: string; managerId: string | null; timeZone: string | null };

/** A roster read from these people, as the database would give them. */
function rosterOf(people: Person[]) {
  return loadRoster({ rep: { findMany: async () => people } } as never, 'acme');
}

const person = (email: string, timeZone: string | null, managerId: string | null = null): Person => ({
  id: email,
  email,
  managerId,
  timeZone,
});

describe('the roster', () => {
  it('when everyone works in New York or has no zone, then all work in New York and in no other zone', async () => {
    const roster = await rosterOf([person('alice@acme.example', 'America/New_York'), person('bob@acme.example', null)]);
    expect(roster.allWorkIn('America/New_York')).toBe(true);
    expect(roster.allWorkIn('Asia/Shanghai')).toBe(false);
  });

  it('when one person works in Tokyo, then not all work in New York', async () => {
    const roster = await rosterOf([
      person('alice@acme.example', 'America/New_York'),
      person('kenji@acme.example', 'Asia/Tokyo'),
    ]);
    expect(roster.allWorkIn('America/New_York')).toBe(false);
    expect(roster.timeZoneOf('KENJI@acme.example')).toBe('Asia/Tokyo');
  });

  it('when nobody is on the roster, then every owner works in the calendar zone', async () => {
    const roster = await rosterOf([]);
    expect(roster.allWorkIn('Europe/London')).toBe(true);
    expect(roster.timeZoneOf('anyone@acme.example')).toBeNull();
  });

  it('when a rep has a manager on the roster, then their team is the manager, in lower case', async () => {
    const roster = await rosterOf([
      person('Boss@acme.example', null),
      person('rep@acme.example', null, 'Boss@acme.example'),
    ]);
    expect(roster.teamOf('REP@acme.example')).toBe('boss@acme.example');
  });
});
