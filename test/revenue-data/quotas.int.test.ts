/**
 * Quotas through the real API: revops and managers set them per rep or team, per month or quarter,
 * in a currency; a batch is saved whole or not at all; setting the same again changes nothing;
 * each person sees their own and those below them.
 *
 * The organisation: Dana (director) ← Mike and Nora (managers) ← Erik (Mike's rep) and Fatima (Nora's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';

describe.each(providers)('quotas on %s', (provider) => {
  let system: TestSystem;
  const tokens: Record<'revops' | 'dana' | 'mike' | 'nora' | 'erik' | 'fatima', string> = {} as never;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });
  const put = (token: string, quotas: unknown[]) => call('PUT', '/api/quotas', token, { quotas });
  const quotaRows = () => system.database.db.quota.count({ where: { tenant: system.config.tenant } });

  beforeAll(async () => {
    system = await startTestSystem(provider);
    tokens.revops = system.revopsToken;
    tokens.dana = await system.personToken('dana@acme.test', 'director');
    tokens.mike = await system.personToken('mike@acme.test', 'manager', { managerEmail: 'dana@acme.test' });
    tokens.nora = await system.personToken('nora@acme.test', 'manager', { managerEmail: 'dana@acme.test' });
    tokens.erik = await system.personToken('erik@acme.test', 'rep', { managerEmail: 'mike@acme.test' });
    tokens.fatima = await system.personToken('fatima@acme.test', 'rep', { managerEmail: 'nora@acme.test' });
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
  });

  it("when revops sets a rep's quarter, a team's quarter and a rep's month, then all three are saved with their calendar days", async () => {
    const response = await put(tokens.revops, [
      { rep: 'Erik@acme.test', period: '2026-Q1', currency: 'USD', amount: '150000.00' },
      { team: 'mike@acme.test', period: '2026-q1', currency: 'usd', amount: '400000' },
      { rep: 'fatima@acme.test', period: '2026-02', currency: 'EUR', amount: '40000.50' },
    ]);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body).toMatchObject({ created: 3, updated: 0, unchanged: 0 });
    expect(response.body.quotas).toEqual([
      expect.objectContaining({
        scope: 'rep',
        email: 'erik@acme.test',
        periodKind: 'quarter',
        period: '2026-Q1',
        startsOn: '2026-01-01',
        endsOn: '2026-03-31',
        currency: 'USD',
        amountMinor: 15_000_000,
        amount: '150000.00',
        setBy: 'revops@leadflow.test',
      }),
      expect.objectContaining({ scope: 'team', email: 'mike@acme.test', period: '2026-Q1', amountMinor: 40_000_000 }),
      expect.objectContaining({
        scope: 'rep',
        email: 'fatima@acme.test',
        periodKind: 'month',
        period: '2026-02',
        startsOn: '2026-02-01',
        endsOn: '2026-02-28',
        currency: 'EUR',
        amount: '40000.50',
      }),
    ]);
  });

  it('when the same quotas are set again, then nothing changes; a new amount replaces the old one', async () => {
    const again = await put(tokens.revops, [
      { rep: 'erik@acme.test', period: '2026-Q1', currency: 'USD', amount: '150000' },
      { team: 'mike@acme.test', period: '2026-Q1', currency: 'USD', amount: '400000.00' },
    ]);
    expect(again.body).toMatchObject({ created: 0, updated: 0, unchanged: 2 });
    const raised = await put(tokens.revops, [
      { rep: 'erik@acme.test', period: '2026-Q1', currency: 'USD', amount: '175000.00' },
    ]);
    expect(raised.body).toMatchObject({ created: 0, updated: 1, quotas: [{ amount: '175000.00' }] });
    expect(await quotaRows()).toBe(3);
  });

  it('when a batch has bad quotas, then every problem is reported by field and none of the batch is saved', async () => {
    const malformed = await put(tokens.revops, [
      { rep: 'erik@acme.test', period: '2026-04', currency: 'USD', amount: '50000' },
      { rep: 'erik@acme.test', period: '2026-Q5', currency: 'USD', amount: '1,000' },
      { rep: 'erik@acme.test', period: '2026-05', currency: 'XXX', amount: 100 },
    ]);
    expect(malformed.status).toBe(400);
    expect(malformed.body.error.fields).toEqual([
      { path: 'quotas.1.period', message: 'must be a month "2026-03" or a calendar quarter "2026-Q1"' },
      {
        path: 'quotas.1.amount',
        message: 'must be a decimal string such as "250000.00": up to 12 digits, an optional "." and up to 3 decimals',
      },
      { path: 'quotas.2.currency', message: expect.stringContaining('must be an ISO 4217 currency code') },
      {
        path: 'quotas.2.amount',
        message: 'must be a decimal string such as "250000.00" (text, not a JSON number, so it stays exact)',
      },
    ]);
    const both = await put(tokens.revops, [
      { rep: 'erik@acme.test', team: 'mike@acme.test', period: '2026-05', currency: 'USD', amount: '1' },
    ]);
    expect(both.body.error.fields).toEqual([{ path: 'quotas.0.rep', message: 'give exactly one of rep and team' }]);

    const unfit = await put(tokens.revops, [
      { rep: 'erik@acme.test', period: '2026-04', currency: 'USD', amount: '50000' },
      { rep: 'nobody@acme.test', period: '2026-04', currency: 'USD', amount: '1' },
      { team: 'erik@acme.test', period: '2026-Q3', currency: 'JPY', amount: '1.5' },
      { rep: 'erik@acme.test', period: '2026-04', currency: 'USD', amount: '60000' },
    ]);
    expect(unfit.status).toBe(422);
    expect(unfit.body.error.code).toBe('unprocessable');
    expect(unfit.body.error.fields).toEqual([
      {
        path: 'quotas.1.rep',
        message:
          'no person nobody@acme.test in the roster: add them first (leadflow people add, or PUT /api/reps/{email})',
      },
      {
        path: 'quotas.2.team',
        message: 'erik@acme.test leads no team: nobody reports to them and they are rep, not a manager, director or vp',
      },
      { path: 'quotas.2.amount', message: '"1.5" has 1 decimals; JPY has no minor unit: write a whole number' },
      { path: 'quotas.3.period', message: 'the same rep, period and currency as quotas.0: give each quota once' },
    ]);
    expect(await quotaRows()).toBe(3);
  });

  it('when managers set quotas, then only for people and teams below them, never their own', async () => {
    expect(
      (await put(tokens.mike, [{ rep: 'erik@acme.test', period: '2026-04', currency: 'USD', amount: '50000' }])).status,
    ).toBe(200);
    const across = await put(tokens.mike, [
      { rep: 'fatima@acme.test', period: '2026-04', currency: 'USD', amount: '50000' },
      { team: 'mike@acme.test', period: '2026-Q2', currency: 'USD', amount: '300000' },
    ]);
    expect(across.status).toBe(403);
    expect(across.body.error.fields).toEqual([
      {
        path: 'quotas.0.rep',
        message:
          'mike@acme.test may set quotas only for people and teams below them in the reporting chain; fatima@acme.test is not',
      },
      {
        path: 'quotas.1.team',
        message:
          'mike@acme.test may set quotas only for people and teams below them in the reporting chain; mike@acme.test is not (nobody sets their own quota)',
      },
    ]);
    expect(
      (await put(tokens.dana, [{ team: 'mike@acme.test', period: '2026-Q2', currency: 'USD', amount: '300000' }]))
        .status,
    ).toBe(200);
    const rep = await put(tokens.erik, [{ rep: 'erik@acme.test', period: '2026-05', currency: 'USD', amount: '1' }]);
    expect(rep.status).toBe(403);
    expect(rep.body.error.message).toBe(
      'Setting quotas needs one of the roles revops, manager, director, vp; erik@acme.test is rep.',
    );
  });

  it('when people list quotas, then each sees their own and those below them, filtered by period', async () => {
    const seen = async (token: string, query = '') =>
      (
        (await call('GET', `/api/quotas${query}`, token)).body.quotas as {
          email: string;
          period: string;
          scope: string;
        }[]
      ).map((q) => `${q.scope}:${q.email}:${q.period}`);
    expect(await seen(tokens.erik)).toEqual(['rep:erik@acme.test:2026-Q1', 'rep:erik@acme.test:2026-04']);
    expect(await seen(tokens.mike)).toEqual([
      'rep:erik@acme.test:2026-Q1',
      'team:mike@acme.test:2026-Q1',
      'rep:erik@acme.test:2026-04',
      'team:mike@acme.test:2026-Q2',
    ]);
    expect(await seen(tokens.nora)).toEqual(['rep:fatima@acme.test:2026-02']);
    expect(await seen(tokens.revops, '?from=2026-02&to=2026-02')).toEqual([
      'rep:erik@acme.test:2026-Q1',
      'team:mike@acme.test:2026-Q1',
      'rep:fatima@acme.test:2026-02',
    ]);
    expect(await seen(tokens.revops, '?period=2026-Q2&scope=team')).toEqual(['team:mike@acme.test:2026-Q2']);
    expect(await seen(tokens.nora, '?email=erik@acme.test')).toEqual([]);
    const bad = await call('GET', '/api/quotas?from=2026-13&to=March', tokens.revops);
    expect(bad.status).toBe(400);
    expect(bad.body.error.fields.map((f: { path: string }) => f.path)).toEqual(['query.from', 'query.to']);
  });

  it("when a quota is removed, then by those who may set it; someone else's team does not see it", async () => {
    const april = (await call('GET', '/api/quotas?period=2026-04', tokens.revops)).body.quotas[0] as { id: string };
    expect((await call('DELETE', `/api/quotas/${april.id}`, tokens.nora)).status).toBe(404);
    expect((await call('DELETE', `/api/quotas/${april.id}`, tokens.mike)).status).toBe(204);
    expect((await call('DELETE', `/api/quotas/${april.id}`, tokens.mike)).status).toBe(404);
    const trail = await system.database.db.auditEvent.findMany({
      where: { subjectType: 'quota', subjectId: april.id },
      orderBy: { occurredAt: 'asc' },
    });
    expect(trail.map((e) => [e.action, e.actor])).toEqual([
      ['quota.set', 'mike@acme.test'],
      ['quota.removed', 'mike@acme.test'],
    ]);
  });
});
