/**
 * Who may publish a sales material or send one to a deal, as the API's access policy says, and the
 * material types it takes. No DOM here: the unit test checks these against the API's own tables.
 */

/** The API's MATERIAL_TYPES (src/usecases/materials.ts). */
export const MATERIAL_TYPES = ['deck', 'case-study', 'datasheet', 'video', 'whitepaper', 'contract', 'other'];

/** The API's MATERIAL_PUBLISHERS (src/api/access-policy.ts). */
export const MATERIAL_PUBLISHERS = ['revops', 'manager', 'director', 'vp'];

/** Roles that lead a team, so may be up a deal owner's manager chain (and revops, who write every deal). */
const DEAL_WRITERS_BESIDES_OWNER = ['revops', 'manager', 'director', 'vp'];

/** The signed-in person, as far as these rules read `/api/me`. */
export interface Person {
  email: string;
  role: string;
  scopes: string[];
  kind: 'person' | 'integration';
}

const changes = (person: Person | null): person is Person =>
  person !== null && person.kind === 'person' && person.scopes.includes('write');

/** Who publishes a version to the library (a person with the `write` scope and a publisher's role). */
export function publishesMaterials(person: Person | null): boolean {
  return changes(person) && MATERIAL_PUBLISHERS.includes(person.role);
}

/**
 * Who may send a material to the deal: its owner, RevOps, and the owner's managers. The page does
 * not know the owner's manager chain, so it offers the form to everyone who leads a team; the API
 * refuses (403, shown on the form) a manager outside the chain.
 */
export function sharesMaterialsOn(person: Person | null, deal: { owner: string }): boolean {
  if (!changes(person)) return false;
  return person.email.toLowerCase() === deal.owner.toLowerCase() || DEAL_WRITERS_BESIDES_OWNER.includes(person.role);
}
