/**
 * Deal-desk test fixtures: accounts and deals are created by the conversion workflow in the
 * product; these tests insert them directly so the records around a deal can be tested alone.
 */
import { randomBytes } from 'node:crypto';
import type { Db } from '../../src/db/client';
import { bearer, http } from '../support/system';

export interface DealFixture {
  dealId: string;
  accountId: string;
}

/** An account and a deal on it, owned by `ownerEmail`, at revision 1 with no needs recorded. */
export async function createDeal(
  db: Db,
  tenant: string,
  ownerEmail: string,
  name = `Acme ${randomBytes(3).toString('hex')}`,
): Promise<DealFixture> {
  const account = await db.account.create({ data: { id: `acc_${randomBytes(8).toString('hex')}`, tenant, name } });
  const dealId = `dl_${randomBytes(16).toString('base64url')}`;
  await db.deal.create({
    data: {
      id: dealId,
      tenant,
      leadId: `ld_${randomBytes(16).toString('base64url')}`,
      accountId: account.id,
      name: `${name} platform`,
      ownerEmail,
      workflowId: `deal-${dealId}`,
      needs: {},
    },
  });
  return { dealId, accountId: account.id };
}

/** HTTP as a person: `as(token).post(path, body)`; without a token, anonymously. */
export function client(baseUrl: string, token?: string) {
  const headers = (extra: Record<string, string> = {}) => ({ ...(token ? bearer(token) : {}), ...extra });
  const anonymous = token === undefined;
  return {
    get: (path: string, extra?: Record<string, string>) =>
      http(`${baseUrl}${path}`, { headers: headers(extra), anonymous }),
    post: (path: string, body: unknown = {}, extra?: Record<string, string>) =>
      http(`${baseUrl}${path}`, { method: 'POST', body, headers: headers(extra), anonymous }),
    put: (path: string, body: unknown, extra?: Record<string, string>) =>
      http(`${baseUrl}${path}`, { method: 'PUT', body, headers: headers(extra), anonymous }),
    patch: (path: string, body: unknown, extra?: Record<string, string>) =>
      http(`${baseUrl}${path}`, { method: 'PATCH', body, headers: headers(extra), anonymous }),
    delete: (path: string, extra?: Record<string, string>) =>
      http(`${baseUrl}${path}`, { method: 'DELETE', headers: headers(extra), anonymous }),
  };
}
export type Client = ReturnType<typeof client>;

/** The field paths of a 400's `fields`. */
export const fieldPaths = (body: { error?: { fields?: { path: string }[] } }) =>
  (body.error?.fields ?? []).map((f) => f.path);
