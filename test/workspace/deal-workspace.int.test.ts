/**
 * A deal as the workspace shows it: one merged timeline (the lead's history, then the deal's
 * activities, quotes and approvals), and the approvals inbox per person and per team, with what
 * an approver needs on the card.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stockCatalogue } from '../quotes/deal-fixture';
import { providers } from '../support/database';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';

interface Item {
  id: string;
  at: string;
  kind: string;
  title: string;
  summary: string | null;
  event: {
    code: string;
    params: Record<string, string | number | null>;
    note: string | null;
    reasons: { code: string; params: Record<string, string | number | null> }[];
  };
  actor: string | null;
  refs: Record<string, string>;
}

describe.each(providers)('the deal workspace on %s', (provider) => {
  let system: TestSystem;
  let revops: string;
  let director: string;
  let manager: string;
  let owner: string;
  let outsider: string;
  let ownerEmail: string;
  let leadId: string;
  let dealId: string;
  let requestId: string;

  const call = (method: string, path: string, token: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });
  const get = (path: string, token = revops) => call('GET', path, token);

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = await system.personToken('revops@example.com', 'revops');
    director = await system.personToken('dana.director@example.com', 'director');
    manager = await system.personToken('mike.manager@example.com', 'manager', {
      managerEmail: 'dana.director@example.com',
    });
    outsider = await system.personToken('other.rep@example.com', 'rep');
    const lead = await call('POST', '/api/leads', revops, {
      email: 'grace@compilers.io',
      firstName: 'Grace',
      company: 'Compilers Inc',
      title: 'VP Engineering',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    leadId = lead.body.id;
    await call('POST', `/api/leads/${leadId}/events`, revops, { type: 'pricing-page-visit' });
    const bant = await call('POST', `/api/leads/${leadId}/bant`, revops, {
      budget: 'confirmed',
      authority: 'decision-maker',
      need: 'confirmed',
      timeline: 'this-quarter',
    });
    expect(bant.body).toMatchObject({ stage: 'sql' });
    ownerEmail = (await get(`/api/leads/${leadId}`)).body.ownerId;
    owner = await system.personToken(ownerEmail, 'rep', { managerEmail: 'mike.manager@example.com' });
    const converted = await call('POST', `/api/leads/${leadId}/convert`, owner, { name: 'Compilers platform' });
    expect(converted.status).toBe(201);
    dealId = converted.body.dealId;
    const logged = await call('POST', `/api/deals/${dealId}/activities`, owner, {
      kind: 'call',
      summary: 'Discovery call with Grace',
      outcome: 'wants a demo',
    });
    expect(logged.status).toBe(201);
    await stockCatalogue(system, revops);
    // 10 seats of 1,200.00 a year at 25 % off: list 12,000.00, net 9,000.00; the manager, then the director.
    const quote = await call('POST', `/api/deals/${dealId}/quotes`, owner, {
      customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', email: 'grace@compilers.io', region: 'US' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10, discount: '25' }],
    });
    expect(quote.status).toBe(201);
    expect(quote.body.submission).toMatchObject({ submitted: true, tier: 'director-authority' });
    requestId = `apr_${quote.body.quote.current.id}`;
  });
  afterAll(async () => {
    await system?.stop();
  });

  const inbox = async (which: 'mine' | 'team', token: string) => {
    const response = await get(`/api/approvals?inbox=${which}`, token);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    return response.body.approvals as Array<Record<string, unknown> & { id: string }>;
  };

  it("when a 25 % quote waits for the manager, then it is in his inbox with the deal's name, value, discount in money and percent, who asked and why, the step, its deadline and history; not yet in the director's", async () => {
    // The approval workflow assigns the steps right after the quote is submitted.
    expect(await eventually(async () => (await inbox('mine', manager)).length > 0, 20_000)).toBe(true);
    const cards = await inbox('mine', manager);
    expect(cards).toHaveLength(1);
    const card = cards[0]!;
    expect(card).toMatchObject({
      id: requestId,
      status: 'pending',
      tier: 'director-authority',
      deal: {
        id: dealId,
        name: 'Compilers platform',
        stage: 'needs-analysis',
        ownerEmail,
        accountName: 'Compilers Inc',
      },
      value: { amountMinor: 900_000, currency: 'USD', formatted: expect.stringContaining('9,000.00') },
      discount: { amountMinor: 300_000, formatted: expect.stringContaining('3,000.00'), percent: 25, bp: 2500 },
      requestedBy: ownerEmail,
      reason: expect.any(String),
      currentStep: { level: 'manager', assignee: 'mike.manager@example.com', delegatedFrom: null },
    });
    const steps = card.steps as Array<{ id: string; dueAt: string }>;
    expect(card.deadline).toBe(steps[0]!.dueAt);
    expect((card.currentStep as { id: string }).id).toBe(steps[0]!.id);
    const history = card.history as Array<{ action: string; actor: string; level: string | null }>;
    expect(history[0]).toMatchObject({ action: 'approval.requested', actor: ownerEmail });
    expect(history).toContainEqual(expect.objectContaining({ action: 'approval.assigned', level: 'manager' }));

    expect(await inbox('mine', director)).toEqual([]);
    expect(await inbox('mine', owner)).toEqual([]);

    // Named as the manager's delegate, the director finds his waiting step in her inbox too.
    const named = await call('PUT', '/api/reps/mike.manager@example.com', revops, {
      delegateEmail: 'dana.director@example.com',
    });
    expect(named.status, JSON.stringify(named.body)).toBe(200);
    expect((await inbox('mine', director)).map((item) => item.id)).toEqual([requestId]);
    await call('PUT', '/api/reps/mike.manager@example.com', revops, { delegateEmail: null });
    expect(await inbox('mine', director)).toEqual([]);
  });

  it("when a manager or a director asks for the team's inbox, then they see their reports' requests; a rep without reports sees none", async () => {
    expect((await inbox('team', manager)).map((card) => card.id)).toEqual([requestId]);
    expect((await inbox('team', director)).map((card) => card.id)).toEqual([requestId]);
    expect(await inbox('team', owner)).toEqual([]);
    expect(await inbox('team', outsider)).toEqual([]);
    const unknown = await get('/api/approvals?inbox=everyone');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.fields).toEqual([expect.objectContaining({ path: 'inbox' })]);
  });

  it("when the manager approves, then the request moves to the director's inbox with the decision in its history", async () => {
    const [card] = await inbox('mine', manager);
    const step = (card!.currentStep as { id: string }).id;
    const contentHash = card!.contentHash as string;
    const decided = await call('POST', `/api/approvals/${requestId}/steps/${step}/decision`, manager, {
      decision: 'approve',
      contentHash,
      comment: 'Strategic logo',
    });
    expect(decided.status, JSON.stringify(decided.body)).toBe(200);
    expect(await eventually(async () => (await inbox('mine', director)).length > 0, 20_000)).toBe(true);
    expect(await inbox('mine', manager)).toEqual([]);
    const [next] = await inbox('mine', director);
    expect(next).toMatchObject({
      id: requestId,
      currentStep: { level: 'director', assignee: 'dana.director@example.com' },
    });
    expect(next!.history).toContainEqual(
      expect.objectContaining({
        action: 'approval.approved',
        actor: 'mike.manager@example.com',
        reason: 'Strategic logo',
      }),
    );
    // The director is asked by email too; the message reaches the timeline once it is recorded.
    const asked = async () => {
      const response = await get(`/api/deals/${dealId}/timeline?limit=200`);
      return (response.body.items as Item[]).some((item) => /:director:request$/.test(item.id));
    };
    expect(await eventually(asked, 20_000)).toBe(true);
  });

  async function timeline(path: string, query = '', token = revops): Promise<Item[]> {
    const response = await get(`${path}?limit=200${query}`, token);
    expect(response.status, JSON.stringify(response.body)).toBe(200);
    expect(response.body.nextCursor).toBeNull();
    return response.body.items;
  }

  it("when the deal's timeline is read, then it is one list, newest first, from the lead's capture to the approval decision", async () => {
    const items = await timeline(`/api/deals/${dealId}/timeline`);
    const times = items.map((item) => Date.parse(item.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    const kinds = new Set(items.map((item) => item.kind));
    for (const kind of [
      'submission',
      'behaviour',
      'stage-change',
      'qualification',
      'assignment',
      'deal-created',
      'deal-activity',
      'quote',
      'approval-requested',
      'approval-step',
      'approval-decision',
    ])
      expect(kinds, kind).toContain(kind);
    expect(items.at(-1)).toMatchObject({ kind: 'submission', title: 'Submitted', refs: { leadId } });
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'deal-activity',
        title: 'Call',
        summary: 'Discovery call with Grace (wants a demo)',
        actor: ownerEmail,
        refs: expect.objectContaining({ dealId }),
      }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'approval-decision',
        actor: 'mike.manager@example.com',
        summary: 'Strategic logo',
        refs: { dealId, approvalId: requestId },
      }),
    );
    expect(items.filter((item) => item.kind === 'stage-change').map((item) => item.title)).toEqual(
      expect.arrayContaining(['Stage mql → sql', 'Stage new']),
    );
    // The same items as codes and values, for a client to word in its own language.
    expect(items.at(-1)!.event).toEqual({
      code: 'submission',
      params: { source: expect.any(String) },
      note: null,
      reasons: [],
    });
    expect(items.filter((item) => item.kind === 'stage-change').map((item) => item.event.params)).toEqual(
      expect.arrayContaining([
        { from: 'mql', to: 'sql' },
        { from: null, to: 'new' },
      ]),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'deal-activity',
        event: {
          code: 'activity',
          params: { type: 'call', outcome: 'wants a demo' },
          note: 'Discovery call with Grace',
          reasons: [],
        },
      }),
    );
    expect(items).toContainEqual(
      expect.objectContaining({
        kind: 'approval-decision',
        event: expect.objectContaining({ code: 'approval.approved', note: 'Strategic logo' }),
      }),
    );
  });

  it('when the timeline is paged three items at a time, then the pages hold every item once in the same order; a kinds filter keeps only those kinds', async () => {
    const whole = await timeline(`/api/deals/${dealId}/timeline`);
    const paged: Item[] = [];
    let cursor: string | null = null;
    do {
      const page = await get(
        `/api/deals/${dealId}/timeline?limit=3${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
      );
      expect(page.status).toBe(200);
      expect(page.body.items.length).toBeLessThanOrEqual(3);
      paged.push(...page.body.items);
      cursor = page.body.nextCursor;
    } while (cursor !== null && paged.length <= whole.length);
    expect(paged.map((item) => item.id)).toEqual(whole.map((item) => item.id));

    const approvals = await timeline(`/api/deals/${dealId}/timeline`, '&kinds=approval-requested,approval-decision');
    expect(new Set(approvals.map((item) => item.kind))).toEqual(new Set(['approval-requested', 'approval-decision']));
    expect(approvals.map((item) => item.id)).toEqual(
      whole.filter((item) => item.kind.startsWith('approval-') && item.kind !== 'approval-step').map((item) => item.id),
    );
  });

  it("when the lead's timeline is read, then it holds the lead's history only; deal kinds are refused there; people outside the deal get 404", async () => {
    const items = await timeline(`/api/leads/${leadId}/timeline`);
    const dealItems = (await timeline(`/api/deals/${dealId}/timeline`)).filter((item) => !item.refs.dealId);
    expect(items.map((item) => item.id)).toEqual(dealItems.map((item) => item.id));
    expect(await timeline(`/api/leads/${leadId}/timeline`, '', owner)).toHaveLength(items.length);

    const refused = await get(`/api/leads/${leadId}/timeline?kinds=deal-activity`);
    expect(refused.status).toBe(400);
    expect(refused.body.error.fields).toEqual([expect.objectContaining({ path: 'kinds' })]);
    expect((await get(`/api/leads/${leadId}/timeline`, outsider)).status).toBe(404);
    expect((await get(`/api/deals/${dealId}/timeline`, outsider)).status).toBe(404);
    expect((await get(`/api/deals/dl_${'x'.repeat(22)}/timeline`)).status).toBe(404);
  });
});
