import type { Actor, PersonRole } from '../../src/auth/actor';

/** A person of `tenant` signed in with a token, as the analytics tests read reports (sightOf). */
export const personActor = (tenant: string, email: string, role: PersonRole): Actor => ({
  tenant,
  email,
  name: email,
  role,
  scopes: [],
  kind: 'person',
  tokenId: 'tok_test',
});
