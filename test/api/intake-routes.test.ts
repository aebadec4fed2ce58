import type { Request } from 'express';
import { describe, expect, it } from 'vitest';
import { isIntake } from '../../src/api/abuse/rate-limits';

describe('which requests count against the intake limit', () => {
  it.each([
    ['POST', '/api/leads', true],
    ['POST', '/API/Leads/', true],
    ['POST', '/api/leads/ld_123/events', true],
    ['POST', '/api/webhooks/forms', true],
    ['POST', '/api/webhooks/esign/fake', true],
    ['GET', '/api/leads', false],
    ['POST', '/api/leads/ld_123/bant', false],
    ['POST', '/api/leads/ld_123/events/extra', false],
    ['POST', '/api/deals', false],
    ['GET', '/api/webhooks/forms', false],
  ])('when %s %s, then intake is %s', (method, path, intake) => {
    expect(isIntake({ method, path } as Request)).toBe(intake);
  });
});
