/**
 * A rep's day on a deal page and the pipeline, in a real headless Chromium against the real system:
 * meetings moved and cancelled (the attendee's calendar emails read from the embedded SMTP server),
 * a quote sent to the customer and signed through the fake e-signature provider (its webhook),
 * the pipeline's stall badge judged on stored data, and a material published to the library and
 * sent to a deal.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFakeSignatureProvider, type FakeSignatureProvider } from '../../src/esign/fake-provider';
import type { EnvelopeView } from '../../src/esign/fake-protocol';
import { openDeal, stockCatalogue } from '../quotes/deal-fixture';
import { inbox } from '../support/calendar-mail';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, cspViolations, launchChromium, signInAt } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SECRET = 'deal-actions-esign-secret-0123456789';
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** axe-core's serious and critical findings on the page as it is now. */
async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] = await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

/** A `datetime-local` value for an instant, in the browser's (and this process's) zone. */
const local = (d: Date) => new Date(d.getTime() - d.getTimezoneOffset() * 60e3).toISOString().slice(0, 16);

describe.skipIf(!chromiumAvailable)('deal actions in the workspace', () => {
  let fake: FakeSignatureProvider;
  let system: TestSystem;
  let browser: Browser;
  let revops: string;

  beforeAll(async () => {
    fake = await startFakeSignatureProvider({ secret: SECRET, retryDelaysMs: [500, 1_000, 2_000] });
    system = await startTestSystem('sqlite', { ESIGN_FAKE_URL: fake.url, ESIGN_WEBHOOK_SECRET: SECRET });
    fake.setWebhookUrl(`${system.url}/api/webhooks/esign/fake`);
    browser = await launchChromium();
    revops = await system.personToken('revops@example.com', 'revops');
    await stockCatalogue(system, revops);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await fake?.stop();
  });

  const call = (method: string, path: string, token: string, body?: unknown) =>
    http(`${system.url}${path}`, { method, body, headers: bearer(token) });

  const signIn = (token: string, path: string) => signInAt(browser, system.url, token, path);

  it('when a rep reschedules and then cancels a meeting after confirming each, then the page shows its state and the attendee gets the update and the cancellation (same UID, higher SEQUENCE)', async () => {
    const deal = await openDeal(system, revops, 'ada@analytical.io');
    const rep = await system.personToken(deal.ownerEmail, 'rep');
    const ida = await call('POST', `/api/deals/${deal.dealId}/stakeholders`, rep, {
      name: 'Ida Rhodes',
      email: 'ida@analytical.io',
      role: 'decision-maker',
      influence: 'high',
    });
    expect(ida.status, JSON.stringify(ida.body)).toBe(201);
    const startsAt = new Date(Date.now() + 10 * DAY);
    startsAt.setMinutes(0, 0, 0);
    const scheduled = await call('POST', `/api/deals/${deal.dealId}/meetings`, rep, {
      kind: 'demo',
      title: 'Security review',
      startsAt: startsAt.toISOString(),
      endsAt: new Date(startsAt.getTime() + HOUR).toISOString(),
      attendees: [{ name: 'Ida Rhodes', contactId: ida.body.id }],
    });
    expect(scheduled.status, JSON.stringify(scheduled.body)).toBe(201);
    const mails = () => inbox(system, 'ida@analytical.io');
    await expect.poll(async () => (await mails()).length, { timeout: 30_000 }).toBe(1);
    const [invitation] = await mails();

    const page = await signIn(rep, `/deals/${deal.dealId}`);
    const refused = cspViolations(page);
    const meeting = page.locator('#meetings li', { hasText: 'Security review' });
    await expect.poll(() => meeting.locator('.badge').textContent()).toBe('scheduled');

    // Moved two hours later: the dialog says so, and nothing is sent before "Move the meeting".
    const moved = new Date(startsAt.getTime() + 2 * HOUR);
    await meeting.getByRole('button', { name: 'Reschedule Security review' }).click();
    const form = meeting.getByRole('form', { name: 'Reschedule Security review' });
    await form.getByLabel('Starts').fill(local(moved));
    await form.getByLabel('Ends').fill(local(new Date(moved.getTime() + HOUR)));
    await form.getByRole('button', { name: 'Move the meeting' }).click();
    const dialog = page.getByRole('dialog', { name: 'Move "Security review"?' });
    await dialog.waitFor();
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(await mails()).toHaveLength(1);
    await dialog.getByRole('button', { name: 'Move the meeting' }).click();
    await expect.poll(() => meeting.locator('.badge').textContent()).toBe('rescheduled');

    await expect.poll(async () => (await mails()).length, { timeout: 30_000 }).toBe(2);
    const update = (await mails())[1]!;
    expect(update.calendar).toMatchObject({
      method: 'REQUEST',
      uid: invitation!.calendar!.uid,
      start: moved.toISOString(),
    });
    expect(update.calendar!.sequence).toBeGreaterThan(invitation!.calendar!.sequence);

    // Cancelled, with a reason: "Not now" first changes nothing.
    await meeting.getByRole('button', { name: 'Cancel Security review' }).click();
    const cancel = page.getByRole('dialog', { name: 'Cancel "Security review"?' });
    await cancel.getByRole('button', { name: 'Not now' }).click();
    await expect.poll(() => cancel.count()).toBe(0);
    await meeting.getByRole('button', { name: 'Cancel Security review' }).click();
    await cancel.getByLabel('Why').fill('Ida is travelling');
    await cancel.getByRole('button', { name: 'Cancel the meeting' }).click();
    await expect.poll(() => meeting.locator('.badge').textContent()).toBe('cancelled');
    expect(await meeting.getByRole('button', { name: 'Cancel Security review' }).count()).toBe(0);

    await expect.poll(async () => (await mails()).length, { timeout: 30_000 }).toBe(3);
    const cancellation = (await mails())[2]!;
    expect(cancellation.calendarType).toMatch(/method=CANCEL/i);
    expect(cancellation.calendar).toMatchObject({ method: 'CANCEL', uid: invitation!.calendar!.uid });
    expect(cancellation.calendar!.sequence).toBeGreaterThan(update.calendar!.sequence);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a rep sends an approved quote and requests a signature, then the customer gets it, a bad address is refused beside its field, and after the signature webhook the page shows it signed with the contract', async () => {
    const deal = await openDeal(system, revops, 'grace@hopper.io');
    const rep = await system.personToken(deal.ownerEmail, 'rep');
    const created = await call('POST', `/api/deals/${deal.dealId}/quotes`, rep, {
      customer: { company: 'Hopper Inc', contactName: 'Grace Hopper', region: 'US-NY' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 10 }],
    });
    expect(created.body.submission, JSON.stringify(created.body)).toMatchObject({ status: 'approved' });
    const number = created.body.quote.number as string;

    const page = await signIn(rep, `/deals/${deal.dealId}`);
    const refused = cspViolations(page);
    const standing = page.locator(`.quote-standing[data-quote="${number}"]`);
    await expect.poll(() => standing.textContent()).toContain('Approved');

    await page.getByRole('button', { name: `Send ${number} to the customer` }).click();
    const confirm = page.getByRole('dialog', { name: `Send ${number} v1 to the customer?` });
    expect(await accessibilityProblems(page)).toEqual([]);
    await confirm.getByRole('button', { name: 'Send the quote' }).click();
    await expect
      .poll(() => page.getByRole('status').filter({ hasText: 'Sent to' }).textContent())
      .toBe('Sent to grace@hopper.io.');
    await expect.poll(() => standing.textContent()).toContain('sent to the customer');
    await expect
      .poll(async () => (await system.mailbox!.list({ to: 'grace@hopper.io' })).map((m) => m.subject).join('|'), {
        timeout: 30_000,
      })
      .toContain(`Quote ${number}`);

    const signature = page.getByRole('form', { name: `Request a signature for ${number}` });
    await signature.getByLabel("Signer's name").fill('Grace Hopper');
    await signature.getByLabel("Signer's email").fill('grace at hopper');
    await signature.getByRole('button', { name: `Request a signature for ${number}` }).click();
    await expect.poll(() => signature.locator('.field-error').textContent()).toBe('must be an email address');
    expect(await signature.getByLabel("Signer's email").getAttribute('aria-invalid')).toBe('true');

    await signature.getByLabel("Signer's email").fill('grace@hopper.io');
    await signature.getByRole('button', { name: `Request a signature for ${number}` }).click();
    await expect
      .poll(() => standing.textContent())
      .toContain('signature requested from Grace Hopper (grace@hopper.io)');
    expect(await page.locator('#contract').count()).toBe(0);

    // The signer signs on the provider's page; its webhook closes the deal won with a contract.
    const { envelopes } = (await http(`${fake.url}/envelopes`)).body as { envelopes: EnvelopeView[] };
    const envelope = envelopes.find((e) => e.metadata.dealId === deal.dealId)!;
    expect((await http(`${fake.url}/envelopes/${envelope.id}/sign`, { method: 'POST' })).status).toBeLessThan(400);
    await expect.poll(() => standing.textContent(), { timeout: 30_000 }).toContain('signed by Grace Hopper');
    await expect.poll(() => page.locator('#contract').textContent(), { timeout: 30_000 }).toContain('USD');
    expect(await page.getByRole('form', { name: `Request a signature for ${number}` }).count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it("when a manager outside the deal owner's chain opens the deal page, then it lists the materials sent but offers no share form (the API's `can` says so); the owner and RevOps get the form", async () => {
    const deal = await openDeal(system, revops, 'kay@mcnulty.io');
    // Otto approves the deal's discount as the owner's manager, then the owner moves to another
    // team: Otto still reads the deal (his approval step), but it is no longer his team's to change.
    const otto = await system.personToken('otto.outside@example.com', 'manager');
    const rep = await system.personToken(deal.ownerEmail, 'rep', { managerEmail: 'otto.outside@example.com' });
    const quote = await call('POST', `/api/deals/${deal.dealId}/quotes`, rep, {
      customer: { company: 'McNulty Inc', contactName: 'Kay McNulty', region: 'US-NY' },
      lines: [{ sku: 'PLAT-ENT-1Y', quantity: 4, discount: '25' }],
    });
    expect(quote.status, JSON.stringify(quote.body)).toBe(201);
    await expect
      .poll(
        async () =>
          (await call('GET', `/api/approvals?assignee=me&dealId=${deal.dealId}`, otto)).body.approvals?.length,
      )
      .toBe(1);
    await system.personToken('nia.newteam@example.com', 'manager');
    await system.personToken(deal.ownerEmail, 'rep', { managerEmail: 'nia.newteam@example.com' });

    const answers = await Promise.all(
      [rep, revops, otto].map((token) => call('GET', `/api/deals/${deal.dealId}`, token)),
    );
    expect(answers.map((answer) => answer.body.can)).toEqual([
      { shareMaterial: true },
      { shareMaterial: true },
      { shareMaterial: false },
    ]);

    const page = await signIn(otto, `/deals/${deal.dealId}`);
    await page.getByText('No materials sent yet.').waitFor();
    expect(await page.locator('summary', { hasText: 'Share material' }).count()).toBe(0);
    await page.close();
    const owner = await signIn(rep, `/deals/${deal.dealId}`);
    await owner.getByText('No materials sent yet.').waitFor();
    expect(await owner.locator('summary', { hasText: 'Share material' }).count()).toBe(1);
    await owner.close();
  });

  it('when a manager publishes a material and the deal owner shares it from the deal page, then the deal lists that version; a bad link and an unchosen material are refused beside their fields; the form is in Chinese too, and a rep cannot publish', async () => {
    const deal = await openDeal(system, revops, 'jean@sammet.io');
    const rep = await system.personToken(deal.ownerEmail, 'rep');
    const manager = await system.personToken('mara.manager@example.com', 'manager');

    const library = await signIn(manager, '/materials');
    const refused = cspViolations(library);
    const publish = library.getByRole('form', { name: 'Publish a material' });
    await publish.getByLabel('Key (stays the same across versions)').fill('platform-overview');
    await publish.getByLabel('Title').fill('Platform overview');
    await publish.getByLabel('Type').selectOption({ label: 'Case study' });
    await publish.getByLabel('Link (URL)').fill('not a link');
    await publish.getByLabel('Tags').fill('Enterprise, security');
    await publish.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => publish.locator('.field-error').textContent()).toBe('must be an http(s) URL');
    expect(await publish.getByLabel('Link (URL)').getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityProblems(library)).toEqual([]);
    await publish.getByLabel('Link (URL)').fill('https://cdn.example.com/platform-overview.pdf');
    await publish.getByRole('button', { name: 'Publish' }).click();
    await expect.poll(() => publish.getByRole('status').textContent()).toBe('Published Platform overview v1.');
    const row = library.locator('#material-list tbody tr', { hasText: 'Platform overview' });
    await expect.poll(() => row.textContent()).toContain('enterprise, security');
    expect(await row.textContent()).toContain('Case study');
    expect(await row.textContent()).toContain('mara.manager@example.com');
    expect(refused).toEqual([]);
    await library.close();

    const page = await signIn(rep, `/deals/${deal.dealId}`);
    const blocked = cspViolations(page);
    await page.getByText('No materials sent yet.').waitFor();
    await page.locator('summary', { hasText: 'Share material' }).click();
    const share = page.getByRole('form', { name: 'Share material' });
    await share.getByLabel('Search the library').fill('platform');
    await expect
      .poll(() => share.getByLabel('Material').textContent())
      .toContain('Platform overview · Case study · v1');
    await share.getByRole('button', { name: 'Share', exact: true }).click();
    await expect.poll(() => share.locator('.field-error').textContent()).toBe('Choose a material to share.');
    expect(await share.getByLabel('Material').getAttribute('aria-invalid')).toBe('true');
    expect(await accessibilityProblems(page)).toEqual([]);
    await share.getByLabel('Material').selectOption({ label: 'Platform overview · Case study · v1' });
    await share.getByRole('button', { name: 'Share', exact: true }).click();
    const shared = page.locator('#materials li', { hasText: 'Platform overview' });
    await expect.poll(() => shared.textContent()).toContain(`v1`);
    expect(await shared.textContent()).toContain(deal.ownerEmail);
    await expect.poll(() => page.locator('#deal-timeline').textContent()).toContain('Platform overview');
    expect(await share.locator('.field-error').count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.evaluate("localStorage.setItem('leadflow.language', 'zh-CN')");
    await page.reload();
    await page.locator('summary', { hasText: '分享资料' }).click();
    const chinese = page.getByRole('form', { name: '分享资料' });
    await expect.poll(() => chinese.getByLabel(/^资料/).textContent()).toContain('客户案例');
    await chinese.getByRole('button', { name: '分享', exact: true }).click();
    await expect.poll(() => chinese.locator('.field-error').textContent()).toBe('请先选择要分享的资料。');
    expect(blocked).toEqual([]);
    await page.close();

    // A rep reads the library but does not publish to it.
    const browsing = await signIn(rep, '/materials');
    await browsing.locator('#material-list tbody tr', { hasText: 'Platform overview' }).waitFor();
    expect(await browsing.getByRole('form', { name: 'Publish a material' }).count()).toBe(0);
    expect(await browsing.getByRole('button', { name: 'New version of Platform overview' }).count()).toBe(0);
    await browsing.close();
  });

  it('when a deal has sat in proposal past its stall alert with no next step, then its card shows a Stalling badge naming both reasons (in English and Chinese); a deal with a next step in needs analysis shows none', async () => {
    const stalled = await openDeal(system, revops, 'barbara@liskov.io');
    const healthy = await openDeal(system, revops, 'frances@allen.io');
    const db = system.database.db;
    // Stored data as a deal that entered proposal 30 days ago leaves it (escalation.yaml: 14 days).
    const row = await db.deal.update({ where: { id: stalled.dealId }, data: { stage: 'proposal' } });
    const entered = new Date(Date.now() - 30 * DAY);
    await db.stageEvent.create({
      data: {
        id: `${stalled.dealId}:test:proposal`,
        leadId: row.leadId,
        fromStage: 'needs-analysis',
        toStage: 'proposal',
        reason: 'test: entered a month ago',
        occurredAt: entered,
        idempotencyKey: `${stalled.dealId}:test:proposal`,
      },
    });
    const current = await call('GET', `/api/deals/${healthy.dealId}`, revops);
    const next = await call('PUT', `/api/deals/${healthy.dealId}/next-step`, revops, {
      nextStep: 'Send the security questionnaire',
      dueOn: '2099-01-15',
      revision: current.body.revision,
    });
    expect(next.status, JSON.stringify(next.body)).toBe(200);

    const listed = (await call('GET', '/api/deals?status=open', revops)).body.deals as {
      id: string;
      stalling: { reasons: { code: string; after?: string }[] };
    }[];
    expect(listed.find((d) => d.id === stalled.dealId)!.stalling.reasons).toMatchObject([
      { code: 'stage-alert', alert: 'proposal-without-answer', after: '14 days', since: entered.toISOString() },
      { code: 'no-next-step' },
    ]);
    expect(listed.find((d) => d.id === healthy.dealId)!.stalling).toEqual({ reasons: [] });

    const page = await signIn(revops, '/board');
    const refused = cspViolations(page);
    const card = (id: string) => page.locator(`.deal-card[data-deal="${id}"]`);
    await card(healthy.dealId).waitFor();
    const badge = card(stalled.dealId).getByRole('note');
    const since = new Intl.DateTimeFormat('en', { dateStyle: 'medium', timeZone: 'UTC' }).format(entered);
    expect(await badge.textContent()).toBe('Stalling');
    expect(await badge.getAttribute('aria-label')).toBe(
      `Stalling: in this stage since ${since}, longer than 14 days; no next step`,
    );
    expect(await badge.getAttribute('title')).toBe(await badge.getAttribute('aria-label'));
    expect(await card(healthy.dealId).getByRole('note').count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.evaluate("localStorage.setItem('leadflow.language', 'zh-CN')");
    await page.reload();
    const chinese = card(stalled.dealId).getByRole('note');
    await expect.poll(() => chinese.textContent()).toBe('停滞');
    expect(await chinese.getAttribute('aria-label')).toMatch(
      /^停滞：自 .+ 起处于当前阶段，已超过 14 天；没有下一步计划$/,
    );
    expect(refused).toEqual([]);
    await page.close();
  });
});
