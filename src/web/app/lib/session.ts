/**
 * The signed-in person: a token kept in this browser (localStorage) until "Sign out", and the
 * `/api/me` answer for it. The token is a session from a password sign-in (12 hours; signing out
 * ends it on the server too) or a personal API token pasted in (for integrators and the bootstrap
 * admin; signing out only forgets it here). Every same-origin API call sends it as a bearer token.
 */
import { signal } from '@preact/signals';

const TOKEN_KEY = 'leadflow.token';
const KIND_KEY = 'leadflow.token-kind';

export interface Me {
  tenant: string;
  email: string;
  name: string | null;
  role: string;
  scopes: string[];
  kind: 'person' | 'integration';
  /** The person's stored language (null for an integration). */
  language?: 'en' | 'zh-CN' | null;
  /** The lead queues the person works (every queue for revops). */
  queues?: string[];
  /** The person belongs to the installation's own tenant, whose RevOps activate rules versions. */
  installation?: boolean;
}

export const me = signal<Me | null>(null);

export function storedToken(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

/** Keeps the token: `session` from a password sign-in, `api-token` pasted in. */
export function keepToken(token: string, kind: 'session' | 'api-token' = 'api-token'): void {
  localStorage.setItem(TOKEN_KEY, token);
  localStorage.setItem(KIND_KEY, kind);
}

/** Forgets the token here; a password session is also ended on the server (best effort). */
export function signOut(): void {
  const token = storedToken();
  if (token && localStorage.getItem(KIND_KEY) === 'session')
    void fetch('/api/auth/sessions/current', {
      method: 'DELETE',
      headers: { authorization: `Bearer ${token}` },
      keepalive: true,
    }).catch(() => undefined);
  localStorage.removeItem(TOKEN_KEY);
  localStorage.removeItem(KIND_KEY);
  me.value = null;
}

/** Managers and above see their team's work beside their own. */
export function leadsATeam(person: Me | null): boolean {
  return person !== null && person.kind === 'person' && ['manager', 'director', 'vp', 'revops'].includes(person.role);
}
