/**
 * One-click unsubscribe against the real system: cadence emails caught by the embedded SMTP
 * server, their signed link followed over real HTTP as a person (GET, then the page's button) and
 * as a mail provider (RFC 8058 POST), and the outbox checked at send time.
 */
import { rmSync } from 'node:fs';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOutbox } from '../../activities/email';
import { createSmtpMailer } from '../../src/email/smtp-mailer';
import { unsubscribeLinks } from '../../src/email/unsubscribe-link';
import { loadLinkSecret } from '../../src/cli/link-secret';
import { journeyState } from '../../workflows/messages';
import { sqliteOnly } from '../support/database';
import { fastCadenceRules, rulesFixture } from '../support/rules-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { eventually } from '../support/tcp-proxy';
import { chromiumAvailable, cspViolations, launchChromium } from '../web/browser';

const ONE_CLICK = 'List-Unsubscribe=One-Click';

describe.each(sqliteOnly)('one-click unsubscribe (%s)', (provider) => {
  let system: TestSystem;
  let revops: string;
  // mql-standard, steps 5 s apart: email, call, email, LinkedIn, email (the third email at +20 s).
  const rulesDir = rulesFixture(fastCadenceRules('5 seconds'));

  beforeAll(async () => {
    system = await startTestSystem(provider, { LEADFLOW_RULES_DIR: rulesDir });
    revops = await system.personToken('revops@example.com', 'revops');
  });
  afterAll(async () => {
    await system?.stop();
    rmSync(rulesDir, { recursive: true, force: true });
  });

  const api = (path: string, body?: unknown) => http(`${system.url}${path}`, { body, headers: bearer(revops) });
  const mailTo = (email: string) => system.mailbox!.list({ to: email });
  const suppressions = () => system.database.db.emailSuppression.findMany({ where: { tenant: system.config.tenant } });

  /** An MQL through the API (a strong ads lead that visits the pricing page): the mql-standard cadence starts. */
  async function mql(email: string): Promise<{ leadId: string; journeyId: string }> {
    const lead = await api('/api/leads', {
      email,
      firstName: 'Grace',
      company: 'Compilers Inc',
      title: 'VP Engineering',
      source: 'ads',
      attributes: { employees: 1200, region: 'north-america', industry: 'software' },
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    const visit = await api(`/api/leads/${lead.body.id}/events`, { type: 'pricing-page-visit' });
    expect(visit.body).toMatchObject({ stage: 'mql' });
    return { leadId: lead.body.id, journeyId: lead.body.journeyId };
  }

  /** The first cadence email to `email`, parsed from its raw source as the recipient's mail client would. */
  async function firstCadenceEmail(email: string) {
    expect(await eventually(async () => (await mailTo(email)).length > 0, 20_000)).toBe(true);
    const [listed] = await mailTo(email);
    const raw = (await system.mailbox!.get(listed!.id))!.raw;
    const parsed = await simpleParser(raw);
    const header = (name: string) =>
      parsed.headerLines
        .filter((line) => line.key === name)
        .map((line) =>
          line.line
            .slice(line.line.indexOf(':') + 1)
            .replace(/\r?\n[ \t]+/g, ' ')
            .trim(),
        );
    const written = /Unsubscribe: (\S+)/.exec(parsed.text ?? '')?.[1] ?? '';
    // Links are written with LEADFLOW_PUBLIC_URL (here port 0: the API's port is picked at start).
    const link = written.replace(system.config.publicUrl, system.url);
    return { parsed, header, written, link };
  }

  const post = (url: string, init: { body: string | FormData; type?: string; headers?: Record<string, string> }) =>
    fetch(url, {
      method: 'POST',
      body: init.body,
      headers: { ...(init.type ? { 'content-type': init.type } : {}), ...init.headers },
    });

  it('when the recipient one-clicks in their mail client, then the address is suppressed and audited, the cadence stops and no later cadence email reaches it, while a lead who only opened the link keeps getting them', async () => {
    const ada = await mql('ada@engines.io');
    const bob = await mql('bob@engines.io');

    const first = await firstCadenceEmail('ada@engines.io');
    // Both headers of RFC 8058, the https-style link in angle brackets, and the same link in the body.
    expect(first.header('list-unsubscribe')).toEqual([`<${first.written}>`]);
    expect(first.header('list-unsubscribe-post')).toEqual([ONE_CLICK]);
    expect(first.written).toMatch(new RegExp(`^${system.config.publicUrl}/u/${ada.leadId}\\.[A-Za-z0-9_-]{32}$`));

    // A mail provider's one-click: a form POST without cookies or a browser.
    const clicked = await post(first.link, { body: ONE_CLICK, type: 'application/x-www-form-urlencoded' });
    expect(clicked.status).toBe(200);
    expect(await clicked.text()).toContain('a***@engines.io will receive no more sales and marketing emails');
    expect(await suppressions()).toEqual([
      expect.objectContaining({ email: 'ada@engines.io', source: 'one-click', leadId: ada.leadId }),
    ]);
    const audit = await system.database.db.auditEvent.findMany({
      where: { tenant: system.config.tenant, action: 'email.unsubscribed' },
    });
    expect(audit).toEqual([
      expect.objectContaining({
        subjectType: 'lead',
        subjectId: ada.leadId,
        actor: 'ada@engines.io',
        details: { email: 'ada@engines.io', source: 'one-click' },
      }),
    ]);
    const journey = system.temporal.workflow.getHandle(ada.journeyId);
    expect(await eventually(async () => (await journey.query(journeyState)).cadence?.status === 'stopped')).toBe(true);
    const timeline = await system.database.db.interaction.findMany({ where: { leadId: ada.leadId } });
    expect(timeline.map((event) => event.kind)).toContain('unsubscribe');

    // Bob only opened his link (as a mail scanner would): a page with a button, and nothing changed.
    const bobLink = (await firstCadenceEmail('bob@engines.io')).link;
    const opened = await fetch(bobLink);
    expect(opened.status).toBe(200);
    const page = await opened.text();
    expect(page).toContain(`<form method="post" action="/u/${bobLink.split('/u/')[1]}">`);
    expect(page).toContain('name="List-Unsubscribe" value="One-Click"');
    expect(page).toContain('Stop sales and marketing emails to b***@engines.io?');

    // Bob's third cadence email arrives (20 s in); by then Ada's second and third were long due.
    expect(await eventually(async () => (await mailTo('bob@engines.io')).length === 3, 40_000)).toBe(true);
    expect((await mailTo('ada@engines.io')).length).toBe(1);
    expect(await suppressions()).toHaveLength(1);
    expect((await system.temporal.workflow.getHandle(bob.journeyId).query(journeyState)).cadence?.status).not.toBe(
      'stopped',
    );

    // Pressing again changes nothing and says so.
    const again = await post(first.link, { body: ONE_CLICK, type: 'application/x-www-form-urlencoded' });
    expect(again.status).toBe(200);
    expect(await again.text()).toContain('a***@engines.io is already unsubscribed.');
    expect(await suppressions()).toHaveLength(1);
  });

  it('when a link is tampered with, then GET and POST are refused with 404 and nothing changes', async () => {
    const lead = await mql('carol@engines.io');
    const { link } = await firstCadenceEmail('carol@engines.io');
    const base = link.slice(0, link.lastIndexOf('.'));
    const signature = link.slice(link.lastIndexOf('.') + 1);
    const flipped = `${base}.${signature[0] === 'A' ? 'B' : 'A'}${signature.slice(1)}`;
    const otherLead = `${system.url}/u/${lead.leadId.slice(0, -1)}${lead.leadId.endsWith('x') ? 'y' : 'x'}.${signature}`;
    const before = await suppressions();
    for (const tampered of [
      flipped,
      otherLead,
      `${base}.${signature.slice(0, 20)}`,
      `${system.url}/u/${lead.leadId}`,
    ]) {
      const opened = await fetch(tampered);
      expect(opened.status, tampered).toBe(404);
      expect(await opened.text()).toContain('This link is not valid');
      const pressed = await post(tampered, { body: ONE_CLICK, type: 'application/x-www-form-urlencoded' });
      expect(pressed.status, tampered).toBe(404);
    }
    expect(await suppressions()).toEqual(before);
    expect((await system.temporal.workflow.getHandle(lead.journeyId).query(journeyState)).cadence?.status).not.toBe(
      'stopped',
    );
  });

  it('when the page is posted without the one-click body, then 400 and nothing changes; a multipart one-click and the Chinese page work', async () => {
    await mql('dan@engines.io');
    const { link } = await firstCadenceEmail('dan@engines.io');
    const empty = await post(link, { body: 'confirm=yes', type: 'application/x-www-form-urlencoded' });
    expect(empty.status).toBe(400);
    expect((await suppressions()).map((row) => row.email)).not.toContain('dan@engines.io');

    const chinese = await fetch(link, { headers: { 'accept-language': 'zh-CN,zh;q=0.9,en;q=0.5' } });
    expect(await chinese.text()).toContain('不再向 d***@engines.io 发送销售和营销邮件？');

    const form = new FormData();
    form.append('List-Unsubscribe', 'One-Click');
    const multipart = await fetch(link, { method: 'POST', body: form });
    expect(multipart.status).toBe(200);
    expect((await suppressions()).map((row) => row.email)).toContain('dan@engines.io');
  });

  it('when marketing email to a suppressed address is already queued, then the outbox holds it at send time, while a transactional email to it still goes', async () => {
    const lead = await mql('erin@engines.io');
    await firstCadenceEmail('erin@engines.io');
    // Suppressed behind the journey's back, as if the journey had not been told yet.
    await system.database.db.emailSuppression.create({
      data: { tenant: system.config.tenant, email: 'erin@engines.io', source: 'one-click', leadId: lead.leadId },
    });
    const secret = await loadLinkSecret(system.config);
    const outbox = createOutbox({
      db: system.database.db,
      mailer: createSmtpMailer({ host: system.mailbox!.host, port: system.mailbox!.port, secure: false }),
      from: system.config.mail.from,
      unsubscribe: unsubscribeLinks(secret, system.config.publicUrl),
    });
    const queued = {
      idempotencyKey: `queued-${lead.leadId}`,
      leadId: lead.leadId,
      to: 'Erin+news@engines.io',
      subject: 'Queued before the unsubscribe',
      text: 'Hello',
      kind: 'marketing' as const,
    };
    expect(await outbox.send(queued)).toMatchObject({ status: 'suppressed' });
    // The retry of the same email reports the same, and sends nothing either.
    expect(await outbox.send(queued)).toMatchObject({ status: 'suppressed' });
    expect(
      await system.database.db.outboundEmail.findUniqueOrThrow({ where: { id: queued.idempotencyKey } }),
    ).toMatchObject({ status: 'suppressed', sentAt: null });

    const quote = await outbox.send({
      idempotencyKey: `quote-${lead.leadId}`,
      leadId: lead.leadId,
      to: 'erin@engines.io',
      subject: 'Your quote',
      text: 'Attached.',
      kind: 'transactional',
    });
    expect(quote).toMatchObject({ status: 'sent' });
    expect((await mailTo('erin@engines.io')).map((m) => m.subject)).toEqual([
      'Your quote',
      expect.not.stringMatching(/Queued/),
    ]);
  });

  it.skipIf(!chromiumAvailable)(
    'when a person opens the link in a browser and presses the button, then they see that they are unsubscribed',
    async () => {
      await mql('frank@engines.io');
      const { link } = await firstCadenceEmail('frank@engines.io');
      const browser = await launchChromium();
      try {
        const page = await browser.newPage();
        const refused = cspViolations(page);
        await page.goto(link);
        expect(await page.title()).toBe('Unsubscribe');
        await page.getByRole('button', { name: 'Unsubscribe' }).click();
        await expect.poll(() => page.locator('h1').textContent()).toBe('You are unsubscribed');
        expect(await page.locator('main p').textContent()).toBe(
          'f***@engines.io will receive no more sales and marketing emails from us.',
        );
        // The pages keep to the app's Content-Security-Policy: styled by nonce, the form posting to itself.
        expect(refused).toEqual([]);
      } finally {
        await browser.close();
      }
      expect((await suppressions()).find((row) => row.email === 'frank@engines.io')).toMatchObject({
        source: 'confirmation-page',
      });
    },
  );
});
