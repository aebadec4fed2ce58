import { describe, expect, it } from 'vitest';
import { leadIdentity, resolveLeadIdentity, type KnownLead, type LeadLookup } from '../../src/usecases/lead-identity';

/** An in-memory stand-in for the database's unique (tenant, email) and (tenant, externalId) indexes. */
function lookupOver(leads: KnownLead[]): LeadLookup {
  return (_tenant, keys) =>
    Promise.resolve({
      byEmail: leads.find((lead) => keys.email !== undefined && lead.email === keys.email) ?? null,
      byExternalId: leads.find((lead) => keys.externalId !== undefined && lead.externalId === keys.externalId) ?? null,
    });
}

describe('lead identity', () => {
  it('when a lead has an email, then its id derives from the normalised email, with or without an external id', () => {
    const plain = leadIdentity('acme', { email: 'Jane+promo@Example.com' });
    expect(plain.email).toBe('jane@example.com');
    expect(leadIdentity('acme', { email: 'jane@example.com', externalId: 'crm-1' }).leadId).toBe(plain.leadId);
    expect(plain.leadId).toMatch(/^ld_[A-Za-z0-9_-]{22}$/);
    expect(plain.journeyId).toBe(`lead-acme-${plain.leadId}`);
  });

  it('when a lead has only an external id, then its id derives from that id and differs per tenant', () => {
    const a = leadIdentity('acme', { externalId: 'crm-1' });
    expect(a).toMatchObject({ email: null, externalId: 'crm-1' });
    expect(leadIdentity('globex', { externalId: 'crm-1' }).leadId).not.toBe(a.leadId);
    expect(leadIdentity('acme', { email: 'crm-1' }).leadId).not.toBe(a.leadId);
  });

  it('when neither identifier is given, then it is a validation error', () => {
    expect(() => leadIdentity('acme', {})).toThrow(/email or an external id/);
  });

  it('when a stored lead has the external id, then a submission with a new email joins it', async () => {
    const stored = { id: 'ld_stored', journeyId: 'lead-acme-ld_stored', email: null, externalId: 'crm-1' };
    const resolved = await resolveLeadIdentity(lookupOver([stored]), 'acme', {
      email: 'new@example.com',
      externalId: 'crm-1',
    });
    expect(resolved).toEqual({
      tenant: 'acme',
      leadId: 'ld_stored',
      journeyId: 'lead-acme-ld_stored',
      email: 'new@example.com',
      externalId: 'crm-1',
    });
  });

  it('when nothing is stored, then the derived identity is used', async () => {
    const resolved = await resolveLeadIdentity(lookupOver([]), 'acme', { externalId: 'crm-9' });
    expect(resolved).toEqual(leadIdentity('acme', { externalId: 'crm-9' }));
  });

  it.each([
    [
      'the email and the id belong to different leads',
      { email: 'a@x.io', externalId: 'crm-b' },
      /belongs to lead ld_a but external id "crm-b" belongs to lead ld_b/,
    ],
    [
      'the id belongs to a lead with another email',
      { email: 'other@x.io', externalId: 'crm-b' },
      /different email on record/,
    ],
    [
      'the email belongs to a lead with another id',
      { email: 'a@x.io', externalId: 'crm-z' },
      /has external id "crm-a", not "crm-z"/,
    ],
  ])('when %s, then it is a conflict', async (_case, keys, message) => {
    const leads = [
      { id: 'ld_a', journeyId: 'j-a', email: 'a@x.io', externalId: 'crm-a' },
      { id: 'ld_b', journeyId: 'j-b', email: 'b@x.io', externalId: 'crm-b' },
    ];
    await expect(resolveLeadIdentity(lookupOver(leads), 'acme', keys)).rejects.toMatchObject({
      code: 'conflict',
      message: expect.stringMatching(message),
    });
  });
});
