import { describe, expect, it } from 'vitest';
import { MATERIAL_PUBLISHERS } from '../../src/api/access-policy';
import { MATERIAL_TYPES } from '../../src/usecases/materials';
import * as workspace from '../../src/web/app/lib/material-policy';
import type { Person } from '../../src/web/app/lib/material-policy';

const person = (role: string, email = `${role}@example.com`, scopes = ['read', 'write']): Person => ({
  email,
  role,
  scopes,
  kind: 'person',
});
const deal = { owner: 'Ada@example.com' };

describe('the materials forms of the workspace, by who is signed in', () => {
  it("when the API's publishers or material types change, then the workspace offers the same", () => {
    expect([...workspace.MATERIAL_PUBLISHERS].sort()).toEqual([...MATERIAL_PUBLISHERS].sort());
    expect(workspace.MATERIAL_TYPES).toEqual([...MATERIAL_TYPES]);
  });

  it.each([
    ['the deal owner (a rep)', person('rep', 'ada@example.com'), true, false],
    ['another rep', person('rep', 'otto@example.com'), false, false],
    ['a manager', person('manager'), true, true],
    ['revops', person('revops'), true, true],
    ['a finance approver', person('finance'), false, false],
    ['the owner with a read-only token', person('rep', 'ada@example.com', ['read']), false, false],
    ['an integration', { ...person('revops'), kind: 'integration' as const }, false, false],
  ])('when %s is signed in, then the share form shows: %s, the publish form: %s', (_who, me, shares, publishes) => {
    expect(workspace.sharesMaterialsOn(me, deal)).toBe(shares);
    expect(workspace.publishesMaterials(me)).toBe(publishes);
  });
});
