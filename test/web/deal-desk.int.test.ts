/**
 * The dashboard's deal desk in a real headless Chromium against the real system: approvers decide
 * pending discount approvals (set up through the real API: lead → SQL → deal, a quote at 25%), and
 * people read the pipeline and a deal's story.
 */
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import {
  chromiumAvailable,
  computedStyle,
  cspViolations,
  launchChromium,
  openSignedIn,
  signInWithToken,
} from './browser';

const DIRECTOR = 'dana.director@example.com';
const MANAGER = 'morgan.manager@example.com';

interface PendingApproval {
  dealId: string;
  ownerEmail: string;
  ownerToken: string;
  approvalId: string;
  quoteNumber: string;
}

describe.skipIf(!chromiumAvailable)('dashboard deal desk', () => {
  let system: TestSystem;
  let browser: Browser;
  let revops: string;
  let manager: string;
  let first: PendingApproval;
  const call = (method: string, path: string, token: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });

  /** A deal whose owner reports to the manager, with a quote at 25% off: the manager's step is pending. */
  async function pendingApproval(leadEmail: string): Promise<PendingApproval> {
    const deal = await openDeal(system, revops, leadEmail);
    const ownerToken = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: MANAGER });
    const created = await call('POST', `/api/deals/${deal.dealId}/quotes`, ownerToken, {
      customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', region: 'US-NY' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 4, discount: '25' }],
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.submission).toMatchObject({
      submitted: true,
      status: 'pending-approval',
      tier: 'director-authority',
    });
    const pending = async () =>
      (await call('GET', `/api/approvals?assignee=me&status=pending&dealId=${deal.dealId}`, manager)).body.approvals;
    // vi.waitFor, not expect.poll: this also runs in beforeAll.
    const [approval] = await vi.waitFor(
      async () => {
        const approvals = await pending();
        expect(approvals).toHaveLength(1);
        return approvals;
      },
      { timeout: 30_000, interval: 250 },
    );
    return { ...deal, ownerToken, approvalId: approval.id, quoteNumber: created.body.quote.number };
  }

  /** Every decision the page sends, so a test can count them. */
  function decisionRequests(page: Page): string[] {
    const sent: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'POST' && request.url().endsWith('/decision')) sent.push(request.postData() ?? '');
    });
    return sent;
  }

  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    browser = await launchChromium();
    revops = await system.personToken('revops@example.com', 'revops');
    await stockCatalogue(system, revops);
    await system.personToken(DIRECTOR, 'director');
    manager = await system.personToken(MANAGER, 'manager', { managerEmail: DIRECTOR });
    first = await pendingApproval('grace@compilers.io');
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('when the manager double-clicks Approve with a comment, then one decision is sent and recorded, the item leaves their list and the director is next', async () => {
    const page = await openSignedIn(browser, `${system.url}/console`, manager, MANAGER);
    const sent = decisionRequests(page);
    const refused = cspViolations(page);
    const item = page.locator(`.approval[data-approval="${first.approvalId}"]`);
    await expect.poll(() => item.count()).toBe(1);
    const shown = await item.textContent();
    const dealName = (await call('GET', `/api/deals/${first.dealId}`, manager)).body.name as string;
    for (const fact of [
      `Quote ${first.quoteNumber} v1`,
      `Deal ${dealName}`,
      'Tier Director authority',
      'Level manager',
      'Discount 25%',
      'Due ',
      'PLAT-ENT-1Y × 4: list USD 1,200.00, quoted USD 1,200.00, less 25%, 25% below list',
      'Total: list USD 4,800.00, net USD 3,600.00 before tax, 25% below list',
    ])
      expect(shown).toContain(fact);
    // Names for people to read, the ids still there to hover over (or copy).
    expect(await item.getByRole('link', { name: dealName }).getAttribute('title')).toBe(first.dealId);
    expect(await item.getByText('Director authority').getAttribute('title')).toBe('director-authority');

    await item.getByText('View quote').click();
    await expect.poll(() => page.locator('#quote-viewer').isVisible()).toBe(true);
    expect(await page.locator('#quote-viewer-title').textContent()).toBe(`Quote ${first.quoteNumber} v1`);
    await expect
      .poll(() => page.frameLocator('#quote-viewer iframe').locator('body').textContent())
      .toContain(first.quoteNumber);
    // The quote's own stylesheet applies inside the viewer (the policy allows it by hash): 20pt titles.
    expect(await computedStyle(page.frameLocator('#quote-viewer iframe').locator('h1'), 'font-size')).toBe('26.6667px');
    expect(refused).toEqual([]);
    await page.click('#quote-viewer-close');

    await item.locator('textarea[name=comment]').fill('Strategic logo; approved');
    await item.getByRole('button', { name: 'Approve' }).dblclick();
    await expect
      .poll(() => page.locator('#approvals-status').textContent())
      .toBe(`You approved quote ${first.quoteNumber} v1; the approval request is pending.`);
    await expect.poll(() => item.count()).toBe(0);
    expect(sent).toHaveLength(1);
    expect(JSON.parse(sent[0]!)).toMatchObject({
      decision: 'approve',
      comment: 'Strategic logo; approved',
      contentHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const approval = async () => (await call('GET', `/api/approvals/${first.approvalId}`, manager)).body;
    await expect
      .poll(async () =>
        (await approval()).steps.map((s: { level: string; assignee: string; status: string }) => [
          s.level,
          s.assignee,
          s.status,
        ]),
      )
      .toEqual([
        ['manager', MANAGER, 'approved'],
        ['director', DIRECTOR, 'pending'],
      ]);
    const { steps, audit } = await approval();
    expect(steps[0]).toMatchObject({ decidedBy: MANAGER, comment: 'Strategic logo; approved' });
    expect(audit.filter((entry: { action: string }) => entry.action === 'approval.approved')).toEqual([
      expect.objectContaining({ actor: MANAGER, reason: 'Strategic logo; approved' }),
    ]);
    await page.close();
  });

  it('when a rep with nothing to approve signs in, then they see no pending approvals, and their deal opens with its amount, stage history, quote, approval steps and no contract', async () => {
    // Nothing in the API writes a deal's amount yet; set it, and a name that must be escaped, on the row.
    await system.database.db.deal.update({
      where: { id: first.dealId },
      data: { amountMinor: 1_234_567n, name: 'Compilers <Inc> & "Sons"' },
    });
    const page = await openSignedIn(browser, `${system.url}/console`, first.ownerToken, first.ownerEmail);
    await expect.poll(() => page.locator('#approvals').textContent()).toBe('No pending approvals.');

    const row = page.locator(`#deals tr[data-deal-row="${first.dealId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    const reps = (await call('GET', '/api/reps', first.ownerToken)).body.reps as { email: string; name: string }[];
    const ownerName = reps.find((r) => r.email === first.ownerEmail)?.name;
    expect(ownerName).toBeTruthy();
    expect(await row.locator('td').allTextContents()).toEqual([
      'Compilers <Inc> & "Sons"',
      'needs-analysis',
      ownerName,
      'USD 12,345.67',
      expect.any(String),
    ]);
    expect(await page.locator('#deals inc').count()).toBe(0);
    expect(await row.locator('td').nth(2).locator('span').getAttribute('title')).toBe(first.ownerEmail);

    await row.locator('a[data-deal]').click();
    await expect.poll(() => page.locator('#deal h3').textContent()).toBe('Compilers <Inc> & "Sons"');
    expect(await page.locator('#deal .facts').first().textContent()).toContain('Amount USD 12,345.67');
    expect(await page.locator('#deal-stages').textContent()).toContain('needs-analysis');
    expect(await page.locator('#deal-quotes tbody tr').first().locator('td').allTextContents()).toEqual([
      `${first.quoteNumber} v1`,
      'pending-approval (current)',
      'Director authority',
      '—',
      '—',
      '—',
    ]);
    const managerStep = await page.locator('#deal-approvals tbody tr').first().locator('td').allTextContents();
    expect(managerStep.slice(0, 3)).toEqual([
      `${first.quoteNumber} v1: pending (Director authority, 25%)`,
      '1. manager',
      reps.find((r) => r.email === MANAGER)?.name,
    ]);
    // The approver by name, the email in the title.
    const approver = page.locator('#deal-approvals tbody tr').first().locator('td').nth(2).locator('span');
    expect(await approver.getAttribute('title')).toBe(MANAGER);
    expect(await page.locator('#deal').textContent()).toContain('No contract yet.');
    await page.close();
  });

  it("when the manager rejects without a comment, then the API's reason is shown next to the item; with a comment, then the quote is rejected", async () => {
    const second = await pendingApproval('ada@engines.io');
    const page = await openSignedIn(browser, `${system.url}/console`, manager, MANAGER);
    const item = page.locator(`.approval[data-approval="${second.approvalId}"]`);
    await expect.poll(() => item.count()).toBe(1);
    const reject = item.getByRole('button', { name: 'Reject' });

    await reject.click();
    await expect.poll(() => item.locator('.outcome').textContent()).toContain('a rejection needs a comment saying why');
    expect(await reject.isEnabled()).toBe(true);
    expect((await call('GET', `/api/approvals/${second.approvalId}`, manager)).body.steps[0]).toMatchObject({
      level: 'manager',
      status: 'pending',
    });

    await item.locator('textarea[name=comment]').fill('25% is too deep for this account');
    await reject.click();
    await expect
      .poll(() => page.locator('#approvals-status').textContent())
      .toBe(`You rejected quote ${second.quoteNumber} v1; the approval request is rejected.`);
    await expect.poll(() => item.count()).toBe(0);
    const { status, steps } = (await call('GET', `/api/approvals/${second.approvalId}`, manager)).body;
    expect(status).toBe('rejected');
    expect(steps[0]).toMatchObject({
      level: 'manager',
      status: 'rejected',
      decidedBy: MANAGER,
      comment: '25% is too deep for this account',
    });
    await page.close();
  });

  it('when an approver follows the "Review and decide" link of their email, then the dashboard answers 200 HTML, asks them to sign in, and then opens that approval focused', async () => {
    const pending = await pendingApproval('linus@kernels.io');
    const email = await vi.waitFor(
      async () => {
        const found = (await system.mailbox!.list({ to: MANAGER })).find((m) =>
          m.subject.startsWith(`Approval needed: ${pending.quoteNumber} v1`),
        );
        expect(found).toBeDefined();
        return found!;
      },
      { timeout: 30_000, interval: 250 },
    );
    const written = /Review and decide: (\S+)/.exec(email.text)?.[1] ?? '';
    expect(written).toBe(`${system.config.publicUrl}/approvals/${pending.approvalId}`);
    // Emails carry LEADFLOW_PUBLIC_URL; this system's API listens on a port picked at start.
    const link = written.replace(system.config.publicUrl, system.url);
    const target = await fetch(link);
    expect(target.status).toBe(200);
    expect(target.headers.get('content-type')).toMatch(/^text\/html/);

    // The link opens the workspace: signed out it asks for the token, then shows that approval to decide.
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.goto(link);
    await signInWithToken(page, manager);
    const item = page.locator(`.approval[data-approval="${pending.approvalId}"]`);
    await expect.poll(() => item.getAttribute('class')).toContain('linked');
    expect(await item.getByRole('button', { name: 'Approve' }).count()).toBe(1);

    // A link written before the workspace (`/#/approvals/<id>`) lands on the same page.
    await page.goto(`${system.url}/#/approvals/${pending.approvalId}`);
    await expect.poll(() => page.url()).toBe(`${system.url}/approvals/${pending.approvalId}`);
    await expect.poll(() => item.count()).toBe(1);

    // A link to an approval that does not exist (or is not theirs to see) says so.
    await page.goto(`${system.url}/approvals/apr_unknown`);
    await expect.poll(() => page.locator('.error').first().textContent()).toContain('apr_unknown');
    expect(refused).toEqual([]);
    await page.close();
  });

  it("when a rep opens a quoted deal in the workspace, then they see the quote's versions and, compared, what changed from v1 to v2 in money", async () => {
    const quoted = await pendingApproval('kathleen@booth.io');
    const [quote] = (await call('GET', `/api/deals/${quoted.dealId}/quotes`, quoted.ownerToken)).body.quotes;
    const edited = await call('PUT', `/api/quotes/${quote.id}`, quoted.ownerToken, {
      customer: { company: 'Compilers Inc', contactName: 'Grace Hopper', region: 'US-NY' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 5, discount: '25' }],
      revision: quote.revision,
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const diff = (await call('GET', `/api/quotes/${quote.id}/diff?from=1&to=2`, quoted.ownerToken)).body;

    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.goto(`${system.url}/deals/${quoted.dealId}`);
    await signInWithToken(page, quoted.ownerToken);
    const versions = page.locator('#quotes tbody tr');
    await expect.poll(() => versions.count()).toBe(2);
    expect(await versions.nth(0).textContent()).toContain('v1');
    expect(await versions.nth(1).textContent()).toContain('current');
    await page.getByRole('button', { name: 'Compare v1 → v2' }).click();
    const shown = page.locator('#quote-diff');
    await expect.poll(() => shown.textContent()).toContain('What changed from v1 to v2');
    const text = (await shown.textContent()) ?? '';
    expect(text).toContain(diff.totals.total.beforeFormatted);
    expect(text).toContain(diff.totals.total.afterFormatted);
    expect(text).toContain(diff.totals.total.deltaFormatted);
    expect(text).toContain('Quantity: 4 → 5');
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a manager opens the workspace inbox, then each approval shows the deal, its value, the discount in money and percent and who asked; Approve decides it once', async () => {
    const waiting = await pendingApproval('radia@perlman.io');
    const page = await browser.newPage();
    const refused = cspViolations(page);
    const sent = decisionRequests(page);
    await page.goto(`${system.url}/approvals`);
    await signInWithToken(page, manager);
    const card = page.locator(`.approval[data-approval="${waiting.approvalId}"]`);
    await expect.poll(() => card.count()).toBe(1);
    const listed = (await call('GET', `/api/approvals?inbox=mine&status=pending&dealId=${waiting.dealId}`, manager))
      .body.approvals[0];
    const text = (await card.textContent()) ?? '';
    expect(text).toContain(listed.deal.name);
    expect(text).toContain('25%');
    // Who asked, by name (the owner's, as GET /api/reps has it).
    const asker = (await call('GET', `/api/reps/${waiting.ownerEmail}`, manager)).body;
    expect(asker.name).toBeTruthy();
    expect(text).toContain(asker.name);
    expect(listed.discount.percent).toBe(25);

    // The team view shows it too, for a manager.
    await page.getByRole('button', { name: "My team's" }).click();
    await expect.poll(() => card.count()).toBe(1);
    await page.getByRole('button', { name: 'Waiting for me' }).click();
    await expect.poll(() => card.count()).toBe(1);

    await card.getByLabel('Comment').fill('Fine for a 4-seat pilot.');
    await card.getByRole('button', { name: 'Approve' }).dblclick();
    await expect.poll(() => page.locator('#approvals-status').textContent()).toContain('Approved');
    expect(sent).toHaveLength(1);
    const decided = (await call('GET', `/api/approvals/${waiting.approvalId}`, manager)).body;
    expect(decided.steps.find((step: { level: string }) => step.level === 'manager')).toMatchObject({
      status: 'approved',
    });
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a rep works a deal in the workspace, then a call is logged to the timeline, a meeting invites the stakeholder by email and a quote from the catalogue goes to approval', async () => {
    const deal = await openDeal(system, revops, 'barbara@hypatia.io');
    const rep = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: MANAGER });
    await call('POST', `/api/deals/${deal.dealId}/stakeholders`, rep, {
      name: 'Ida Rhodes',
      email: 'ida@hypatia.io',
      role: 'decision-maker',
      influence: 'high',
    });
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.goto(`${system.url}/deals/${deal.dealId}`);
    await signInWithToken(page, rep);
    await page.locator('#deal-timeline').waitFor();

    await page.locator('summary', { hasText: 'Log an activity' }).click();
    const log = page.getByRole('form', { name: 'Log an activity' });
    await log.getByLabel('What happened').fill('Discovery call with Ida: wants SSO in the pilot');
    await log.getByRole('button', { name: 'Log an activity' }).click();
    await expect.poll(() => page.locator('#deal-timeline').textContent()).toContain('Discovery call with Ida');

    // A meeting a week ahead (whatever today is), with Ida invited: she gets the invitation with a calendar.
    const start = new Date(Date.now() + 7 * 864e5);
    start.setMinutes(0, 0, 0);
    const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);
    await page.locator('summary', { hasText: 'Schedule a meeting' }).click();
    const meeting = page.getByRole('form', { name: 'Schedule a meeting' });
    await meeting.getByLabel('Title').fill('Security review');
    await meeting.getByLabel('Starts').fill(local(start));
    await meeting.getByLabel('Ends').fill(local(new Date(start.getTime() + 3600e3)));
    await meeting.getByLabel('Ida Rhodes').check();
    await meeting.getByRole('button', { name: 'Schedule a meeting' }).click();
    await expect.poll(() => page.locator('#meetings').textContent()).toContain('Security review');
    await expect
      .poll(async () => (await system.mailbox!.list({ to: 'ida@hypatia.io' })).map((m) => m.subject).join('|'), {
        timeout: 30_000,
      })
      .toContain('Security review');

    await page.locator('summary', { hasText: 'New quote' }).click();
    const quote = page.getByRole('form', { name: 'New quote' });
    await quote.getByLabel('Tax region').fill('US-NY');
    await quote.locator('select').first().selectOption('PLAT-ENT-1Y');
    await quote.getByLabel('Quantity').fill('4');
    await quote.getByLabel('Discount %').fill('25');
    await quote.getByRole('button', { name: 'Create the quote' }).click();
    await expect
      .poll(() => page.locator('#quote-result').textContent())
      .toMatch(/Quote \S+ created: Waiting for approval\./);
    await expect.poll(() => page.locator('#quotes tbody tr').count()).toBe(1);
    expect(refused).toEqual([]);
    await page.close();
  });
});
