/**
 * Who may publish a sales material, as the API's access policy says, and the material types it
 * takes. No DOM here: the unit test checks these against the API's own tables. Who may send one to
 * a deal is the deal's own answer (`can.shareMaterial` on GET /api/deals/{dealId}).
 */

/** The API's MATERIAL_TYPES (src/usecases/materials.ts). */
export const MATERIAL_TYPES = ['deck', 'case-study', 'datasheet', 'video', 'whitepaper', 'contract', 'other'];

/** The API's MATERIAL_PUBLISHERS (src/api/access-policy.ts). */
export const MATERIAL_PUBLISHERS = ['revops', 'manager', 'director', 'vp'];

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
