import { describe, expect, it } from 'vitest';
import { mergeSubmission, normalizeEmail, type LeadSubmission } from '../../src/domain/lead';

describe('normalizeEmail', () => {
  it.each([
    ['Jane.Doe@Acme.com', 'jane.doe@acme.com'],
    ['  jane@acme.com  ', 'jane@acme.com'],
    ['jane+webinar@acme.com', 'jane@acme.com'],
    ['J.a.n.e+x@GoogleMail.com', 'jane@gmail.com'],
    ['jane.doe@gmail.com', 'janedoe@gmail.com'],
    ['+tag@acme.com', '+tag@acme.com'],
    ['not-an-email', 'not-an-email'],
  ])('when the email is %j, then the identity is %j', (raw, expected) => {
    expect(normalizeEmail(raw)).toBe(expected);
  });
});

describe('mergeSubmission', () => {
  const submission = (overrides: Partial<LeadSubmission>): LeadSubmission => ({
    submissionId: 's1',
    tenant: 'default',
    email: 'jane@acme.com',
    source: 'events',
    sourceDetails: { event: 'Summit' },
    attributes: {},
    receivedAt: '2026-01-01T00:00:00.000Z',
    ...overrides,
  });

  it('when a lead is new, then the profile is the submission with the email normalised', () => {
    expect(
      mergeSubmission(
        undefined,
        submission({ email: 'Jane+x@Acme.com', company: 'Acme', attributes: { employees: 50 } }),
      ),
    ).toEqual({
      email: 'jane@acme.com',
      company: 'Acme',
      source: 'events',
      sourceDetails: { event: 'Summit' },
      attributes: { employees: 50 },
    });
  });

  it('when a known lead resubmits, then newer contact fields win, blanks keep old values and the first source stays', () => {
    const first = mergeSubmission(
      undefined,
      submission({ title: 'Engineer', phone: '+1 555 0100', attributes: { employees: 50, industry: 'software' } }),
    );
    const merged = mergeSubmission(first, submission({ source: 'ads', title: 'CTO', attributes: { employees: 80 } }));
    expect(merged).toMatchObject({
      title: 'CTO',
      phone: '+1 555 0100',
      source: 'events',
      attributes: { employees: 80, industry: 'software' },
    });
  });
});
