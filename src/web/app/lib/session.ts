/**
 * The signed-in person: an API token kept in this browser (localStorage) until "Sign out", and
 * the `/api/me` answer for it. Every same-origin API call sends the token as a bearer token.
 */
import { signal } from '@preact/signals';

const TOKEN_KEY = 'leadflow.token';

export interface Me {
  tenant: string;
  email: string;
  name: string | null;
  role: string;
  scopes: string[];
  kind: 'person' | 'integration';
}

export const me = signal<Me | null>(null);

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function keepToken(token: string): void {
  localStorage.setItem(TOKEN_KEY, token);
}

export function signOut(): void {
  localStorage.removeItem(TOKEN_KEY);
  me.value = null;
}

/** Managers and above see their team's work beside their own. */
export function leadsATeam(person: Me | null): boolean {
  return person !== null && person.kind === 'person' && ['manager', 'director', 'vp', 'revops'].includes(person.role);
}
