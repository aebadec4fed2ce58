/**
 * Tasks, a deal's next step and My work, through the real API, journeys and database (issue #14):
 * tasks made by hand and by the journeys, listed by due window on the owner's own calendar day,
 * paged, completed and snoozed; who sees whose; a deal's next step under its revision and the
 * stalling reasons it gives; a lead's reassignment handing its open tasks to the new owner; and
 * the My work answer of a rep and of their manager.
 *
 * "Today" is the person's day in their zone. The people here live in a zone where it is about
 * noon when the file runs (test/support/anchor.ts zoneNearHour), so "two hours ago" and "in two
 * hours" are today on any date at any hour, and "26 hours ago" is yesterday.
 */
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatLocalDate, toLocalDate } from '../../src/domain/time-zone';
import { zoneNearHour } from '../support/anchor';
import { providers } from '../support/database';
import { rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';

const HOUR = 3_600_000;

/** The probe's first defined answer, polled for up to `timeoutMs`. */
async function until<T>(probe: () => Promise<T | null | undefined>, timeoutMs: number): Promise<T> {
  let found: T | null | undefined;
  const seen = await eventually(async () => {
    found = await probe();
    return found !== null && found !== undefined;
  }, timeoutMs);
  if (!seen) throw new Error(`nothing appeared within ${timeoutMs} ms`);
  return found as T;
}
const MIKE = 'mike.manager@example.com';
const NORA = 'nora.manager@example.com';
const DANA = 'dana.whitfield@example.com';

/** The shipped rules, with a first-touch SLA of seconds and a stall alert two seconds into needs analysis. */
const fastRules = () =>
  rulesFixture({
    escalation: (doc) => {
      doc.setIn(['slas', 0, 'within'], '3 seconds');
      doc.deleteIn(['slas', 0, 'overrides']);
      doc.addIn(
        ['stalled'],
        doc.createNode({
          name: 'discovery-drags',
          stage: 'needs-analysis',
          after: '2 seconds',
          calendar: 'owner',
          then: [{ do: 'notify-owner' }],
        }),
      );
    },
  });

describe.each(providers)('tasks, next steps and My work on %s', (provider) => {
  let system: TestSystem;
  // Each variant writes its own rules folder: the folder is removed when the variant ends.
  let rulesDir: string;
  const zone = zoneNearHour(new Date());
  const day = (offsetDays: number) => formatLocalDate(toLocalDate(new Date(Date.now() + offsetDays * 24 * HOUR), zone));
  const people = {} as Record<'owner' | 'other' | 'manager', { email: string; token: string }>;
  let deal: { id: string; leadId: string; name: string; company: string };
  const tasks = {} as Record<'yesterday' | 'earlierToday' | 'laterToday' | 'inThreeDays' | 'nextMonth', string>;

  const call = (token: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    http(`${system.url}${path}`, { method, body, headers: { ...bearer(token), ...headers } });
  const ids = async (token: string, query: string) => {
    const response = await call(token, 'GET', `/api/tasks?${query}`);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return (response.body.tasks as { id: string }[]).map((task) => task.id);
  };
  const stalling = async (token: string) =>
    ((await call(token, 'GET', `/api/deals/${deal.id}`)).body.stalling as { code: string }[]).map((r) => r.code);

  beforeAll(async () => {
    rulesDir = fastRules();
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
    const revops = system.revopsToken;
    people.manager = { email: MIKE, token: await system.personToken(MIKE, 'manager', { timeZone: zone }) };
    await system.personToken(NORA, 'manager');
    await stockCatalogue(system, revops);
    const opened = await openDeal(system, revops, 'grace@tasks.io');
    const row = await system.database.db.deal.findUniqueOrThrow({
      where: { id: opened.dealId },
      include: { account: true },
    });
    deal = { id: row.id, leadId: row.leadId, name: row.name, company: row.account.name };
    people.owner = {
      email: opened.ownerEmail,
      token: await system.personToken(opened.ownerEmail, 'rep', { managerEmail: MIKE, timeZone: zone }),
    };
    const other = opened.ownerEmail === 'erik.lund@example.com' ? 'fatima.haddad@example.com' : 'erik.lund@example.com';
    people.other = { email: other, token: await system.personToken(other, 'rep', { managerEmail: NORA }) };
  }, 120_000);
  afterAll(async () => {
    await system?.stop();
    if (rulesDir) rmSync(rulesDir, { recursive: true, force: true });
  });

  it('when the owner writes tasks on the deal by hand, then each answer names the lead, its company and the deal', async () => {
    const due = {
      yesterday: -26 * HOUR,
      earlierToday: -2 * HOUR,
      laterToday: 2 * HOUR,
      inThreeDays: 72 * HOUR,
      nextMonth: 30 * 24 * HOUR,
    };
    for (const [name, offset] of Object.entries(due)) {
      const created = await call(people.owner.token, 'POST', '/api/tasks', {
        title: `Call Grace (${name})`,
        kind: 'call',
        dueAt: new Date(Date.now() + offset).toISOString(),
        dealId: deal.id,
        notes: 'Ask about the pilot scope',
      });
      expect(created.status, JSON.stringify(created.body)).toBe(201);
      tasks[name as keyof typeof tasks] = created.body.id;
      expect(created.body).toMatchObject({
        id: expect.stringMatching(/^tk_[A-Za-z0-9_-]{22}$/),
        kind: 'call',
        title: `Call Grace (${name})`,
        notes: 'Ask about the pilot scope',
        status: 'open',
        overdue: offset < 0,
        ownerEmail: people.owner.email,
        lead: { id: deal.leadId, name: 'Grace', company: 'Compilers Inc' },
        deal: { id: deal.id, name: deal.name },
        source: 'manual',
        createdBy: people.owner.email,
        completedAt: null,
      });
    }
  });

  it("when the owner lists by due window, then overdue, today and week are read on the owner's own calendar day", async () => {
    const mine = (due: string) => ids(people.owner.token, `owner=me&kind=call&due=${due}`);
    expect(await mine('overdue')).toEqual([tasks.yesterday, tasks.earlierToday]);
    expect(await mine('today')).toEqual([tasks.earlierToday, tasks.laterToday]);
    expect(await mine('week')).toEqual([tasks.earlierToday, tasks.laterToday, tasks.inThreeDays]);
    expect(await mine('all')).toEqual([
      tasks.yesterday,
      tasks.earlierToday,
      tasks.laterToday,
      tasks.inThreeDays,
      tasks.nextMonth,
    ]);
    const page = await call(people.owner.token, 'GET', `/api/tasks?owner=me&dealId=${deal.id}&kind=call`);
    expect(page.body).toMatchObject({ timeZone: zone, nextCursor: null });
  });

  it('when the list is read two at a time, then the pages follow each other without gaps or repeats and the last has no cursor', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    do {
      const query: string = `owner=me&kind=call&limit=2${after ? `&after=${encodeURIComponent(after)}` : ''}`;
      const page = await call(people.owner.token, 'GET', `/api/tasks?${query}`);
      expect(page.status).toBe(200);
      seen.push(...(page.body.tasks as { id: string }[]).map((task) => task.id));
      after = page.body.nextCursor;
      pages++;
    } while (after !== null && pages < 10);
    expect(pages).toBe(3);
    expect(seen).toEqual(await ids(people.owner.token, 'owner=me&kind=call'));
  });

  it("when another team's rep looks, then the owner's tasks are not there and cannot be touched; the owner's manager sees and completes them", async () => {
    expect(await ids(people.other.token, 'kind=call')).toEqual([]);
    const outOfSight = await call(people.other.token, 'POST', `/api/tasks/${tasks.earlierToday}/complete`);
    expect(outOfSight.status).toBe(404);
    expect(await ids(people.manager.token, `owner=${people.owner.email}&kind=call`)).toHaveLength(5);

    const done = await call(people.manager.token, 'POST', `/api/tasks/${tasks.earlierToday}/complete`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'done', overdue: false, completedBy: MIKE });
    // Completing a done task is a no-op that answers it as it is.
    const again = await call(people.owner.token, 'POST', `/api/tasks/${tasks.earlierToday}/complete`, {});
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ status: 'done', completedBy: MIKE, completedAt: done.body.completedAt });
    expect(await ids(people.owner.token, 'owner=me&kind=call&status=done')).toEqual([tasks.earlierToday]);
    expect(await ids(people.owner.token, 'owner=me&kind=call&due=overdue')).toEqual([tasks.yesterday]);
  });

  it('when a task is snoozed, then it must be open and the new time in the future; snoozed, it is due then', async () => {
    const past = await call(people.owner.token, 'POST', `/api/tasks/${tasks.yesterday}/snooze`, {
      until: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(past.status).toBe(422);
    expect(past.body.error).toMatchObject({
      code: 'unprocessable',
      fields: [{ path: 'until', message: expect.stringMatching(/^must be in the future/) }],
    });
    const done = await call(people.owner.token, 'POST', `/api/tasks/${tasks.earlierToday}/snooze`, {
      until: new Date(Date.now() + HOUR).toISOString(),
    });
    expect(done.status).toBe(422);
    expect(done.body.error.fields).toEqual([
      { path: 'until', message: 'the task is done; only an open task can be snoozed' },
    ]);

    const until = new Date(Date.now() + 73 * HOUR).toISOString();
    const snoozed = await call(people.owner.token, 'POST', `/api/tasks/${tasks.yesterday}/snooze`, { until });
    expect(snoozed.status).toBe(200);
    expect(snoozed.body).toMatchObject({ status: 'open', dueAt: until, overdue: false, snoozedAt: expect.any(String) });
    expect(await ids(people.owner.token, 'owner=me&kind=call&due=overdue')).toEqual([]);
  });

  it('when a task is created wrongly, then the answer says which field and why', async () => {
    const base = { title: 'Send the deck', kind: 'email', dueAt: new Date(Date.now() + HOUR).toISOString() };
    const nowhere = await call(people.owner.token, 'POST', '/api/tasks', base);
    expect(nowhere.status).toBe(400);
    expect(nowhere.body.error.fields).toEqual([
      { path: 'leadId', message: 'give a leadId or a dealId (a task is about a lead or a deal)' },
    ]);
    const mismatch = await call(people.owner.token, 'POST', '/api/tasks', {
      ...base,
      dealId: deal.id,
      leadId: `ld_${'A'.repeat(22)}`,
    });
    expect(mismatch.status).toBe(422);
    expect(mismatch.body.error.fields[0].path).toBe('leadId');
    const toAnotherTeam = await call(people.owner.token, 'POST', '/api/tasks', {
      ...base,
      dealId: deal.id,
      ownerEmail: people.other.email,
    });
    expect(toAnotherTeam.status).toBe(403);
    const unknown = await call(system.revopsToken, 'POST', '/api/tasks', {
      ...base,
      dealId: deal.id,
      ownerEmail: 'nobody@example.com',
    });
    expect(unknown.status).toBe(422);
    expect(unknown.body.error.fields[0].path).toBe('ownerEmail');
    const outOfSight = await call(people.other.token, 'POST', '/api/tasks', { ...base, dealId: deal.id });
    expect(outOfSight.status).toBe(404);

    const fromManager = await call(people.manager.token, 'POST', '/api/tasks', {
      ...base,
      leadId: deal.leadId,
      ownerEmail: people.owner.email,
    });
    expect(fromManager.status).toBe(201);
    expect(fromManager.body).toMatchObject({ ownerEmail: people.owner.email, createdBy: MIKE, deal: null });
  });

  it('when the owner sets the next step with the revision read, then the deal shows it; past its day the deal is stalling for that reason beside its stall alert', async () => {
    // The stall alert of the fixture fires two seconds into needs analysis.
    expect(await eventually(async () => (await stalling(people.owner.token)).includes('stage-alert'), 20_000)).toBe(
      true,
    );
    expect(await stalling(people.owner.token)).toEqual(['stage-alert', 'no-next-step']);
    const { revision } = (await call(people.owner.token, 'GET', `/api/deals/${deal.id}`)).body as { revision: number };
    const path = `/api/deals/${deal.id}/next-step`;

    const unconditional = await call(people.owner.token, 'PUT', path, {
      nextStep: 'Send the pilot plan',
      dueOn: day(1),
    });
    expect(unconditional.status).toBe(428);
    const set = await call(
      people.owner.token,
      'PUT',
      path,
      { nextStep: 'Send the pilot plan', dueOn: day(1) },
      { 'If-Match': `"${revision}"` },
    );
    expect(set.status).toBe(200);
    expect(set.headers.get('etag')).toBe(`"${revision + 1}"`);
    expect(set.body).toEqual({
      dealId: deal.id,
      revision: revision + 1,
      nextStep: 'Send the pilot plan',
      nextStepDueOn: day(1),
      stalling: [],
    });
    const listed = (await call(people.owner.token, 'GET', '/api/deals')).body.deals.find(
      (d: { id: string }) => d.id === deal.id,
    );
    expect(listed).toMatchObject({ nextStep: 'Send the pilot plan', nextStepDueOn: day(1) });
    expect(await stalling(people.owner.token)).toEqual(['stage-alert']);

    const stale = await call(people.owner.token, 'PUT', path, { nextStep: 'Other', dueOn: null, revision });
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_revision');
    const dateAlone = await call(people.owner.token, 'PUT', path, {
      nextStep: null,
      dueOn: day(2),
      revision: revision + 1,
    });
    expect(dateAlone.status).toBe(422);
    expect(dateAlone.body.error.fields[0].path).toBe('dueOn');

    const late = await call(people.owner.token, 'PUT', path, {
      nextStep: 'Send the pilot plan',
      dueOn: day(-1),
      revision: revision + 1,
    });
    expect(late.status).toBe(200);
    expect(late.body.stalling).toEqual([
      { code: 'next-step-overdue', message: `The next step "Send the pilot plan" was due on ${day(-1)}.` },
    ]);
    expect(await stalling(people.owner.token)).toEqual(['stage-alert', 'next-step-overdue']);
  });

  it("when the owner opens My work, then it holds today's tasks, today's meetings and the stalling deal, each with names", async () => {
    const meeting = await call(people.owner.token, 'POST', `/api/deals/${deal.id}/meetings`, {
      kind: 'demo',
      title: 'Pilot kickoff',
      startsAt: new Date(Date.now() + HOUR).toISOString(),
      endsAt: new Date(Date.now() + 2 * HOUR).toISOString(),
      attendees: [{ name: 'Ann CEO' }],
    });
    expect(meeting.status, JSON.stringify(meeting.body)).toBe(201);
    const later = await call(people.owner.token, 'POST', `/api/deals/${deal.id}/meetings`, {
      kind: 'meeting',
      title: 'Security review',
      startsAt: new Date(Date.now() + 50 * HOUR).toISOString(),
      endsAt: new Date(Date.now() + 51 * HOUR).toISOString(),
    });
    expect(later.status).toBe(201);

    const work = await call(people.owner.token, 'GET', '/api/me/work');
    expect(work.status).toBe(200);
    expect(work.body).toMatchObject({ me: people.owner.email, timeZone: zone, today: day(0), approvals: [] });
    const calls = (work.body.tasks as { id: string; kind: string }[]).filter((task) => task.kind === 'call');
    expect(calls.map((task) => task.id)).toEqual([tasks.laterToday]);
    expect(work.body.meetings).toEqual([
      expect.objectContaining({
        meetingId: meeting.body.meetingId,
        title: 'Pilot kickoff',
        attendees: ['Ann CEO'],
        deal: { id: deal.id, name: deal.name, company: deal.company },
      }),
    ]);
    expect(work.body.stalledDeals).toEqual([
      {
        deal: expect.objectContaining({ id: deal.id, name: deal.name, company: deal.company, stage: 'needs-analysis' }),
        nextStep: 'Send the pilot plan',
        nextStepDueOn: day(-1),
        reasons: [
          expect.objectContaining({ code: 'stage-alert' }),
          expect.objectContaining({ code: 'next-step-overdue' }),
        ],
        journeyChecked: true,
      },
    ]);
  });

  it("when a quote needs the manager's approval, then it waits in the manager's My work with the deal's name and the quote", async () => {
    const quote = await call(people.owner.token, 'POST', `/api/deals/${deal.id}/quotes`, {
      customer: { company: 'Compilers Inc', contactName: 'Grace', email: 'grace@tasks.io', region: 'US' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10, discount: '15' }],
    });
    expect(quote.status, JSON.stringify(quote.body)).toBeLessThan(300);
    const approvals = await until(async () => {
      const waiting = (await call(people.manager.token, 'GET', '/api/me/work')).body.approvals as unknown[];
      return waiting.length > 0 ? waiting : null;
    }, 20_000);
    expect(approvals).toEqual([
      expect.objectContaining({
        level: 'manager',
        deal: expect.objectContaining({
          id: deal.id,
          name: deal.name,
          company: deal.company,
          owner: people.owner.email,
        }),
        quote: expect.objectContaining({ number: expect.stringMatching(/^Q-/), version: 1, discountBp: 1500 }),
      }),
    ]);
    const managerWork = (await call(people.manager.token, 'GET', '/api/me/work')).body;
    // A manager's stalling deals are their team's.
    expect(managerWork.stalledDeals.map((s: { deal: { id: string } }) => s.deal.id)).toEqual([deal.id]);
    expect((await call(people.other.token, 'GET', '/api/me/work')).body).toMatchObject({
      approvals: [],
      stalledDeals: [],
      tasks: [],
    });
  });

  it("when a new MQL's first-touch SLA breaches, then the manager sees it at risk and the owner has the reminder; reassigned by hand, the reminder goes to the new owner", async () => {
    const created = await http(`${system.url}/api/leads`, {
      body: {
        email: 'ada@engines.io',
        firstName: 'Ada',
        lastName: 'Lovelace',
        company: 'Analytical Engines',
        title: 'CTO',
        source: 'events',
        attributes: { employees: 1200, region: 'north-america', industry: 'software' },
      },
    });
    const visit = await http(`${system.url}/api/leads/${created.body.id}/events`, {
      body: { type: 'pricing-page-visit' },
    });
    expect(visit.body).toMatchObject({ stage: 'mql' });
    const leadId = created.body.id as string;
    const db = system.database.db;
    const owner = await until(async () => (await db.lead.findUnique({ where: { id: leadId } }))?.ownerId, 10_000);
    const ownerToken = await system.personToken(owner, 'rep', { managerEmail: MIKE, timeZone: zone });
    const reminder = await until(async () => (await ids(ownerToken, `leadId=${leadId}&kind=reminder`))[0], 20_000);

    const atRisk = (await call(people.manager.token, 'GET', '/api/me/work?slaWithinHours=1')).body.slasAtRisk;
    expect(atRisk).toEqual([
      expect.objectContaining({
        leadId,
        name: 'Ada Lovelace',
        company: 'Analytical Engines',
        owner,
        status: 'breached',
        minutesLeft: expect.any(Number),
      }),
    ]);
    expect(atRisk[0].minutesLeft).toBeLessThanOrEqual(0);
    const ownerWork = (await call(ownerToken, 'GET', '/api/me/work')).body;
    expect(ownerWork.tasks).toContainEqual(
      expect.objectContaining({ id: reminder, kind: 'reminder', overdue: true, source: 'journey' }),
    );

    const moved = await http(`${system.url}/api/leads/${leadId}/reassign`, {
      body: { repEmail: DANA, reason: 'strategic account' },
    });
    expect(moved.status).toBe(200);
    const after = await call(system.revopsToken, 'GET', `/api/tasks?leadId=${leadId}&kind=reminder`);
    expect(after.body.tasks).toContainEqual(expect.objectContaining({ id: reminder, ownerEmail: DANA }));
    expect(after.body.tasks.every((task: { ownerEmail: string }) => task.ownerEmail === DANA)).toBe(true);
    expect(await ids(ownerToken, `leadId=${leadId}`)).toEqual([]);
  });
});
