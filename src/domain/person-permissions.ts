/**
 * Who may change which fields of a person (a Rep row). Roles drive approvals, so role and
 * reporting line are RevOps' alone; a person keeps their own availability and delegate current,
 * and their manager may cover their availability when they cannot.
 */
import type { PersonRole } from '../auth/actor';

export const PERSON_FIELDS = [
  'name',
  'role',
  'managerEmail',
  'timeZone',
  'active',
  'outOfOffice',
  'delegateEmail',
  'maxOpenLeads',
] as const;
export type PersonField = (typeof PERSON_FIELDS)[number];

/** How the editor stands to the person edited. */
export type EditorRelation = 'self' | 'manager' | 'other';

/** What each relation may change without the revops role. */
export const EDITABLE_WITHOUT_REVOPS: Record<EditorRelation, readonly PersonField[]> = {
  self: ['active', 'outOfOffice', 'delegateEmail'],
  manager: ['active', 'outOfOffice'],
  other: [],
};

export type PersonEditDecision =
  | { kind: 'allowed' }
  /** `denied`: the fields asked for that need revops; `allowed`: what the editor may change. */
  | { kind: 'forbidden'; denied: PersonField[]; allowed: readonly PersonField[] };

/**
 * Whether an editor may write these fields of a person. Revops may write anything; anyone else
 * only the fields of their relation, and never a person they are unrelated to (which includes
 * creating a person).
 */
export function decidePersonEdit(
  editor: { role: PersonRole; relation: EditorRelation },
  fields: readonly PersonField[],
): PersonEditDecision {
  if (editor.role === 'revops') return { kind: 'allowed' };
  const allowed = EDITABLE_WITHOUT_REVOPS[editor.relation];
  const denied = editor.relation === 'other' ? [...fields] : fields.filter((field) => !allowed.includes(field));
  return editor.relation !== 'other' && denied.length === 0
    ? { kind: 'allowed' }
    : { kind: 'forbidden', denied, allowed };
}
