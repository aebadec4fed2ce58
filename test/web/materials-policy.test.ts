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
describe('the materials forms of the workspace, by who is signed in', () => {
  it("when the API's publishers or material types change, then the workspace offers the same", () => {
    expect([...workspace.MATERIAL_PUBLISHERS].sort()).toEqual([...MATERIAL_PUBLISHERS].sort());
    expect(workspace.MATERIAL_TYPES).toEqual([...MATERIAL_TYPES]);
  });

  it.each([
    ['a rep', person('rep', 'ada@example.com'), false],
    ['a manager', person('manager'), true],
    ['revops', person('revops'), true],
    ['a finance approver', person('finance'), false],
    ['a manager with a read-only token', person('manager', 'm@example.com', ['read']), false],
    ['an integration', { ...person('revops'), kind: 'integration' as const }, false],
  ])('when %s is signed in, then the publish form shows: %s', (_who, me, publishes) => {
    expect(workspace.publishesMaterials(me)).toBe(publishes);
  });
});
