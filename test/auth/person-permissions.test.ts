import { describe, expect, it } from 'vitest';
import type { PersonRole } from '../../src/auth/actor';
import { decidePersonEdit, type EditorRelation, type PersonField } from '../../src/domain/person-permissions';

type Row = [role: PersonRole, relation: EditorRelation, fields: PersonField[], denied: PersonField[] | 'allowed'];

/** Who may change which fields of a person: revops anything; self availability and delegate; the manager availability. */
const MATRIX: Row[] = [
  ['revops', 'other', ['role', 'managerEmail', 'name', 'timeZone', 'maxOpenLeads'], 'allowed'],
  ['revops', 'self', ['role'], 'allowed'],
  ['revops', 'other', [], 'allowed'],
  ['rep', 'self', ['active', 'outOfOffice', 'delegateEmail'], 'allowed'],
  ['rep', 'self', [], 'allowed'],
  ['rep', 'self', ['role'], ['role']],
  ['vp', 'self', ['outOfOffice', 'managerEmail', 'maxOpenLeads'], ['managerEmail', 'maxOpenLeads']],
  ['manager', 'manager', ['active', 'outOfOffice'], 'allowed'],
  ['manager', 'manager', ['outOfOffice', 'delegateEmail'], ['delegateEmail']],
  ['director', 'manager', ['role'], ['role']],
  ['finance', 'other', ['outOfOffice'], ['outOfOffice']],
  ['vp', 'other', [], []],
];

describe('who may change a person', () => {
  it.each(MATRIX)('when a %s edits as %s the fields %j, then %j', (role, relation, fields, expected) => {
    const decision = decidePersonEdit({ role, relation }, fields);
    if (expected === 'allowed') expect(decision).toEqual({ kind: 'allowed' });
    else expect(decision).toMatchObject({ kind: 'forbidden', denied: expected });
  });
});
