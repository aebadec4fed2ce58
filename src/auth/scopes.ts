/**
 * Scopes: what a token may be used for. A token carries scopes; a request needs the scope its
 * operation's policy names (src/api/access-policy.ts). A person's token never exceeds their role:
 * the scopes that count are the token's, cut down to what the role allows at the time of the
 * request, so demoting a person narrows every token they already hold.
 */
import type { PersonRole } from './actor';

export const SCOPES = ['intake', 'read', 'write', 'admin', 'metrics'] as const;
export type Scope = (typeof SCOPES)[number];

/** What each scope lets a token do, for documentation and error messages. */
export const SCOPE_MEANINGS: Record<Scope, string> = {
  intake:
    'capture leads and their events (POST /api/leads, POST /api/leads/{id}/events) and follow captures up (GET /api/captures/{id})',
  read: 'read the leads, deals, quotes and approvals the caller may see',
  write: 'change the leads, deals and quotes the caller may see, and decide approvals assigned to them',
  admin: 'administer the tenant: people, tokens, integrations, catalogue, templates, the whole audit trail',
  metrics: 'scrape the operations metrics (GET /metrics): counts by stage, source and status, never a record',
};

/** The most a token of each role may carry. RevOps is the tenant's administrator. */
export const ROLE_SCOPES: Record<PersonRole, readonly Scope[]> = {
  rep: ['intake', 'read', 'write'],
  manager: ['intake', 'read', 'write'],
  director: ['intake', 'read', 'write'],
  vp: ['intake', 'read', 'write'],
  finance: ['intake', 'read', 'write'],
  revops: ['intake', 'read', 'write', 'admin', 'metrics'],
};

/**
 * The most an integration token (a service account, not a person) may carry: it captures leads and
 * may read; a monitoring system (Prometheus) gets one with `metrics` alone.
 */
export const INTEGRATION_SCOPES: readonly Scope[] = ['intake', 'read', 'metrics'];

/** Parses the stored comma-separated list; unknown words are dropped (never widened). */
export function parseScopes(stored: string): Scope[] {
  return stored
    .split(',')
    .map((word) => word.trim())
    .filter((word): word is Scope => (SCOPES as readonly string[]).includes(word));
}

export function formatScopes(scopes: readonly Scope[]): string {
  return SCOPES.filter((scope) => scopes.includes(scope)).join(',');
}

/**
 * The scopes a token has now: its stored scopes (empty means "all the ceiling allows", for tokens
 * issued before scopes existed) intersected with the ceiling of the holder's role.
 */
export function effectiveScopes(stored: string, ceiling: readonly Scope[]): Scope[] {
  const asked = stored.trim() === '' ? [...ceiling] : parseScopes(stored);
  return SCOPES.filter((scope) => asked.includes(scope) && ceiling.includes(scope));
}
