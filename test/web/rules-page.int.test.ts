/**
 * The rules page of the workspace in a real headless Chromium against the real system (API,
 * Temporal, SQLite, a watched rules folder): revops sees the live version and its activation,
 * the semantic diff between two versions, is refused activating a stored version whose own rule
 * tests fail today (with the failing test named), rolls back to the older version with a reason,
 * and backtests the newer one on stored leads; a manager reads the same page without the actions.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPersonToken, http, startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, cspViolations, launchChromium, signInAt } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const SHIPPED_RULES = path.resolve('rules');
const DAY = 86_400_000;
const CAPTURED = Date.parse('2025-03-03T09:00:00Z');
/** A version stored by an older server whose own scoring tests fail under today's leadflow. */
const FAILING = 'feedfacefeedface';

async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] = await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

const short = (hash: string) => hash.slice(0, 10);

describe.skipIf(!chromiumAvailable)('the rules page of the workspace', () => {
  let system: TestSystem;
  let browser: Browser;
  let rulesDir: string;
  let original: string;
  let lowered: string;

  const activeVersion = async () =>
    ((await http(`${system.url}/api/rules`)).body as { activeVersion: string }).activeVersion;

  /** Stores a lead scoring 70 at capture (1,200 employees, software, VP, US, ads), then its behaviours on day 2. */
  async function storeLead(name: string, kind: string, count: number): Promise<void> {
    const id = `lead_${name}`;
    await system.database.db.lead.create({
      data: {
        id,
        tenant: system.config.tenant,
        email: `${name}@acme.example`,
        company: 'Acme',
        title: 'VP Marketing',
        country: 'US',
        source: 'ads',
        sourceDetails: {},
        attributes: { employees: 1200, industry: 'software' },
        journeyId: `journey-${id}`,
        createdAt: new Date(CAPTURED),
      },
    });
    await system.database.db.interaction.createMany({
      data: Array.from({ length: count }, (_, n) => ({
        id: `${id}:event:${n}`,
        leadId: id,
        kind,
        occurredAt: new Date(CAPTURED + 2 * DAY + n * 60_000),
        payload: {},
        idempotencyKey: `${id}:event:${n}`,
      })),
    });
  }

  beforeAll(async () => {
    rulesDir = await mkdtemp(path.join(tmpdir(), 'leadflow-rules-page-'));
    await cp(SHIPPED_RULES, rulesDir, { recursive: true });
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir }, { watchRules: true, worker: false });
    browser = await launchChromium();
    // ann 75, ben 76 and cai 79 become MQLs at 75; dee (74) stays below; eve (80) is an MQL under both.
    await storeLead('ann', 'page-visit', 5);
    await storeLead('ben', 'email-click', 2);
    await storeLead('cai', 'email-click', 3);
    await storeLead('dee', 'page-visit', 4);
    await storeLead('eve', 'form-fill', 1);
    // Ann was routed on day 2 (a decision stored before facts were kept: replayed from the lead).
    await system.database.db.decision.create({
      data: {
        id: 'dec_ann_routing',
        leadId: 'lead_ann',
        kind: 'routing',
        outcome: {},
        explanation: {},
        rulesetVersion: 'before',
        decidedAt: new Date(CAPTURED + 2 * DAY),
        idempotencyKey: 'lead_ann:routing',
      },
    });

    // A second version: the folder's MQL threshold lowered from 80 to 75 (hot reload activates it).
    original = await activeVersion();
    const scoring = path.join(rulesDir, 'scoring.yaml');
    await writeFile(scoring, (await readFile(scoring, 'utf8')).replace('  threshold: 80', '  threshold: 75'));
    const deadline = Date.now() + 15_000;
    while ((await activeVersion()) === original && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    lowered = await activeVersion();
    if (lowered === original) throw new Error('test setup: the lowered threshold was not hot-reloaded');

    // An old version whose own scoring tests fail (threshold 90), live long ago by hand.
    const texts = (
      (await http(`${system.url}/api/rules/versions/${original}`)).body as { files: Record<string, string> }
    ).files;
    const long = new Date('2024-06-03T09:00:00Z');
    await system.database.db.ruleVersion.create({
      data: {
        hash: FAILING,
        files: { ...texts, 'scoring.yaml': texts['scoring.yaml']!.replace('  threshold: 80', '  threshold: 90') },
        createdAt: long,
        activatedAt: long,
      },
    });
    await system.database.db.ruleActivation.create({
      data: {
        hash: FAILING,
        previous: null,
        activatedAt: long,
        actor: 'cli:ops',
        reason: 'first rules on the old server',
      },
    });
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await rm(rulesDir, { recursive: true, force: true });
  });

  const card = (page: Page, hash: string, live = false) =>
    page.getByRole('listitem', { name: `Version ${short(hash)}${live ? ' Live' : ''}`, exact: true });

  it('when revops uses the rules page, then versions, diff, a refused and an accepted activation and a backtest report show', async () => {
    const page = await signInAt(browser, system.url, system.revopsToken, '/');
    const refused = cspViolations(page);
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Rules');

    // The live version, and the hot reload that made it live.
    const liveCard = card(page, lowered, true);
    await liveCard.waitFor();
    const liveRow = await liveCard.getByRole('table').locator('tbody tr').first().locator('td').allTextContents();
    expect(liveRow.slice(1)).toEqual([
      'Rules folder (hot reload)',
      '—',
      `${short(original)} → ${short(lowered)}`,
      'scoring.yaml: MQL threshold 80 → 75',
    ]);
    expect(await card(page, original).count()).toBe(1);
    // When each version was stored and its files, all from one GET /api/rules/versions.
    await expect
      .poll(() => liveCard.locator('p.hint').first().textContent())
      .toMatch(/^Stored .+ · files: approvals\.yaml, cadences\.yaml, .*scoring\.yaml/);

    // The diff: by default the version before the live one against the live one; then the other way round.
    const diff = page.getByRole('list', { name: `What changed from ${short(original)} to ${short(lowered)}` });
    await expect
      .poll(() => diff.getByRole('listitem').allTextContents())
      .toEqual(['scoring.yaml: MQL threshold 80 → 75']);
    await page.getByLabel('From version').selectOption(lowered);
    await page.getByLabel('To version').selectOption(original);
    const back = page.getByRole('list', { name: `What changed from ${short(lowered)} to ${short(original)}` });
    await expect
      .poll(() => back.getByRole('listitem').allTextContents())
      .toEqual(['scoring.yaml: MQL threshold 75 → 80']);

    // A stored version whose own tests fail today is refused, with the failing test named, and nothing changes.
    await card(page, FAILING).getByRole('button', { name: 'Activate' }).click();
    const dialog = page.getByRole('dialog', { name: `Make version ${short(FAILING)} live?` });
    await dialog.getByLabel('Why (for the audit trail)').fill('back to the old server');
    await dialog.getByRole('button', { name: 'Make it live' }).click();
    const refusal = dialog.getByRole('alert');
    await expect.poll(() => refusal.textContent()).toContain(`Rules version ${FAILING} cannot be activated`);
    expect(await refusal.textContent()).toMatch(new RegExp(`${FAILING}/scoring\\.yaml:\\d+:\\d+: .*test`));
    expect(await accessibilityProblems(page)).toEqual([]);
    await dialog.getByRole('button', { name: 'Not now' }).click();
    // The focus is back on the button that opened the dialog.
    await expect
      .poll(() => page.evaluate('document.activeElement.getAttribute("aria-describedby")'))
      .toBe(`version-${FAILING}`);
    expect(await activeVersion()).toBe(lowered);

    // Rolling back to the original with a reason: it is live, and its activation says who and why.
    await card(page, original).getByRole('button', { name: 'Activate' }).click();
    const rollback = page.getByRole('dialog', { name: `Make version ${short(original)} live?` });
    expect(await rollback.textContent()).toContain(`from ${short(lowered)} to ${short(original)}`);
    // Only spaces pass the browser's "required" but not the API: its message stands beside the field.
    await rollback.getByLabel('Why (for the audit trail)').fill('   ');
    await rollback.getByRole('button', { name: 'Make it live' }).click();
    await expect
      .poll(() => rollback.locator('.field-error').textContent())
      .toBe('say why (it goes into the audit trail)');
    expect(await activeVersion()).toBe(lowered);
    await rollback.getByLabel('Why (for the audit trail)').fill('MQL volume doubled overnight');
    await rollback.getByRole('button', { name: 'Make it live' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe(`Version ${short(original)} is live.`);
    const rolledBack = card(page, original, true);
    await rolledBack.waitFor();
    expect(await rolledBack.getByRole('table').locator('tbody tr').first().locator('td').allTextContents()).toEqual([
      expect.any(String),
      'revops@leadflow.test',
      'MQL volume doubled overnight',
      `${short(lowered)} → ${short(original)}`,
      'scoring.yaml: MQL threshold 75 → 80',
    ]);
    expect(await activeVersion()).toBe(original);

    // A backtest of the lowered threshold against the live rules, on March 2025's leads.
    await page.getByLabel('Version to test').selectOption(lowered);
    await page.getByLabel('From (optional)').fill('2025-03-01');
    await page.getByLabel('To (optional)').fill('2025-03-09');
    await page.getByRole('button', { name: 'Start the backtest' }).click();
    await expect.poll(() => page.getByText(/^Done: \d+ replayed/).count(), { timeout: 60_000 }).toBe(1);
    await page.getByRole('heading', { name: `Backtest of ${short(lowered)} against ${short(original)}` }).waitFor();
    expect(
      await page.getByText('MQLs: 1 under the live rules, 4 under the tested version (5 leads replayed).').count(),
    ).toBe(1);
    const changed = page.getByRole('table', { name: 'Leads whose scoring decision changes' });
    expect((await changed.getByRole('link').allTextContents()).sort()).toEqual([
      'ann@acme.example',
      'ben@acme.example',
      'cai@acme.example',
    ]);
    expect(await changed.getByRole('link', { name: 'ann@acme.example' }).getAttribute('href')).toBe('/leads/lead_ann');
    expect(await changed.getByRole('row', { name: /ann@acme\.example/ }).textContent()).toContain(
      'MQL threshold 80 → 75 at score 75 on 2025-03-05',
    );
    await expect.poll(() => page.locator('#backtest-mqls-by-week canvas').getAttribute('data-ready')).toBe('true');
    // Routing by pool or queue and by owner: Ann (no region) goes to the SDR triage queue under both,
    // shown by its routing.yaml label, the key in the title.
    for (const table of ['Routing by pool or queue', 'Routing by rep']) {
      const target = page.getByRole('table', { name: table }).locator('tbody th');
      expect(await target.textContent()).toBe('SDR triage');
      expect(await target.locator('span').getAttribute('title')).toBe('queue sdr-triage');
    }
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download the HTML report' }).click(),
    ]);
    expect(await readFile(await download.path(), 'utf8')).toContain('cai@acme.example');
    expect(await accessibilityProblems(page)).toEqual([]);

    // A broken edit of the folder is refused: the page says so, and the live version stays.
    const scoring = path.join(rulesDir, 'scoring.yaml');
    await writeFile(scoring, (await readFile(scoring, 'utf8')).replace('  threshold: 80', '  threshold: lots'));
    await expect
      .poll(async () => ((await http(`${system.url}/api/rules`)).body as { state: string }).state, { timeout: 15_000 })
      .toBe('degraded');
    await page.reload(); // the page's own address opens it again
    const notice = page.locator('.notice');
    await expect.poll(() => notice.textContent()).toContain('The latest change of the rules folder');
    expect(await notice.getByRole('listitem').first().textContent()).toMatch(/scoring\.yaml:\d+:\d+: mql\.threshold/);
    await card(page, original, true).waitFor();
    // The address kept the backtest: its report is back after the reload.
    expect(new URL(page.url()).searchParams.get('backtest')).toMatch(/^bt_/);
    await page.getByRole('heading', { name: `Backtest of ${short(lowered)} against ${short(original)}` }).waitFor();

    // Once in Chinese.
    await page.locator('#language').selectOption('zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('规则');
    expect(await page.getByRole('heading', { name: '版本', exact: true }).count()).toBe(1);
    expect(refused).toEqual([]);
  }, 180_000);

  it('when revops shadows the lowered threshold from the page, then a lead scoring between the thresholds shows as its difference, and revops ends it', async () => {
    await system.startWorker(); // the captured lead's journey scores it (live: the original, threshold 80)
    const page = await signInAt(browser, system.url, system.revopsToken, '/');
    const refused = cspViolations(page);
    await page.locator('#language').selectOption('en'); // the first test left revops in Chinese
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const section = page.getByRole('region', { name: 'Shadow report' });
    await card(page, original, true).waitFor();
    await expect.poll(() => section.getByText('No shadow is running.').count()).toBe(1);

    // Shadowing the stored version with the lowered threshold (the live one is the original, 80).
    const start = page.getByRole('form', { name: 'Shadow this version' });
    await start.getByLabel('Version').selectOption(lowered);
    await start.getByLabel('Reason').fill('try 75 on real traffic');
    await start.getByRole('button', { name: 'Start shadow' }).click();
    const running = page.getByRole('definition').filter({ hasText: short(lowered) });
    await running.first().waitFor();
    expect(await section.getByText(`by revops@leadflow.test`).count()).toBe(1);

    // A VP at a 1,200-person software company from an ad (70) who clicks twice (76): an MQL only under the shadow.
    const lead = await http(`${system.url}/api/leads`, {
      body: {
        email: 'fay@acme.example',
        firstName: 'Fay',
        company: 'Acme',
        title: 'VP Marketing',
        country: 'US',
        source: 'ads',
        attributes: { employees: 1200, industry: 'software' },
      },
    });
    expect(lead.status, JSON.stringify(lead.body)).toBe(201);
    const leadId = lead.body.id as string;
    for (const type of ['email-click', 'email-click'])
      expect((await http(`${system.url}/api/leads/${leadId}/events`, { body: { type } })).status).toBeLessThan(300);

    // The report (reloaded) shows one difference and the lead with its flipped condition.
    const link = section.getByRole('link', { name: 'fay@acme.example' });
    await expect
      .poll(
        async () => {
          await page.reload();
          await section.getByRole('heading', { name: `Report of ${short(lowered)}` }).waitFor();
          return link.count();
        },
        { timeout: 60_000, interval: 1000 },
      )
      .toBe(1);
    expect(await link.getAttribute('href')).toBe(`/leads/${leadId}`);
    const byKind = section.getByRole('table', { name: 'Evaluations and differences by kind' });
    expect(
      await byKind
        .getByRole('row', { name: /scoring/ })
        .locator('td')
        .last()
        .textContent(),
    ).toBe('1');
    expect(await section.getByText(/^MQL threshold 80 → 75 at score 76 on \d{4}-\d{2}-\d{2}$/).count()).toBe(1);
    expect(await section.getByText('Leads scored: 1; MQLs live: 0, under the shadow: 1.').count()).toBe(1);
    const change = section.locator('.shadow-change');
    expect(await change.textContent()).toMatch(/^scoring: live not an MQL, shadow MQL \(/);
    expect(await change.getAttribute('title')).toBe('not-mql → mql');
    expect(await accessibilityProblems(page)).toEqual([]);

    // Ending it asks why; the report stays, marked ended.
    await section.getByRole('button', { name: 'End shadow' }).click();
    const dialog = page.getByRole('dialog', { name: `End the shadow of ${short(lowered)}` });
    await dialog.getByLabel('Reason').fill('seen enough');
    await dialog.getByRole('button', { name: 'End shadow' }).click();
    await expect.poll(() => section.getByText('No shadow is running.').count()).toBe(1);
    await section.getByRole('heading', { name: `Report of ${short(lowered)}` }).waitFor();
    const list = (await http(`${system.url}/api/rules/shadows`)).body as {
      shadows: { status: string; endReason: string }[];
    };
    expect(list.shadows[0]).toMatchObject({ status: 'ended', endReason: 'seen enough' });

    await page.locator('#language').selectOption('zh-CN');
    expect(await page.getByRole('heading', { name: '影子报告', exact: true }).count()).toBe(1);
    expect(refused).toEqual([]);
  }, 180_000);

  it('when more leads change than the report keeps, then Next pages on into the full list and the CSV holds them all, and revops deletes it', async () => {
    // 65 April leads scoring 75 (70 at capture, five visits): MQLs under the lowered threshold only.
    const april = Date.parse('2025-04-07T09:00:00Z');
    const ids = Array.from({ length: 65 }, (_, n) => `lead_apr${String(n).padStart(2, '0')}`);
    await system.database.db.lead.createMany({
      data: ids.map((id) => ({
        id,
        tenant: system.config.tenant,
        email: `${id.slice(5)}@acme.example`,
        company: 'Acme',
        title: 'VP Marketing',
        country: 'US',
        source: 'ads',
        sourceDetails: {},
        attributes: { employees: 1200, industry: 'software' },
        journeyId: `journey-${id}`,
        createdAt: new Date(april),
      })),
    });
    await system.database.db.interaction.createMany({
      data: ids.flatMap((id, n) =>
        Array.from({ length: 5 }, (_, v) => ({
          id: `${id}:event:${v}`,
          leadId: id,
          kind: 'page-visit',
          occurredAt: new Date(april + DAY + n * 60_000 + v * 1000),
          payload: {},
          idempotencyKey: `${id}:event:${v}`,
        })),
      ),
    });
    // Whichever of the two thresholds is live (the first test rolls back to 80), the other one flips them all.
    const other = (await activeVersion()) === lowered ? original : lowered;
    const files = ((await http(`${system.url}/api/rules/versions/${other}`)).body as { files: unknown }).files;
    const started = await http(`${system.url}/api/rules/backtests`, {
      body: { files, kinds: ['scoring'], since: '2025-04-01', until: '2025-04-30' },
    });
    expect(started.status).toBe(202);

    const page = await signInAt(browser, system.url, system.revopsToken, `/rules?backtest=${started.body.id}`);
    await page.locator('#language').selectOption('en'); // an earlier test left revops in Chinese
    const changed = page.getByRole('table', { name: 'Leads whose scoring decision changes' });
    await expect.poll(() => changed.getByRole('link').count(), { timeout: 30_000 }).toBe(20);
    const paging = page.locator('.actions', { has: page.getByText(/^Page \d+ of 4$/) });
    expect(await paging.getByText('50 of 65 loaded').count()).toBe(1);
    const shown: string[] = [];
    for (let n = 1; n <= 4; n++) {
      await paging.getByText(`Page ${n} of 4`).waitFor();
      shown.push(...(await changed.getByRole('link').allTextContents()));
      if (n < 4) await paging.getByRole('button', { name: 'Next' }).click();
    }
    expect(await paging.getByText('65 of 65 loaded').count()).toBe(1);
    expect(shown).toEqual(ids.map((id) => `${id.slice(5)}@acme.example`));
    expect(await paging.getByRole('button', { name: 'Next' }).isDisabled()).toBe(true);

    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download every change (CSV)' }).click(),
    ]);
    const csv = (await readFile(await download.path(), 'utf8')).trimEnd().split('\r\n');
    expect(csv).toHaveLength(66);
    expect(csv.slice(1).map((line) => line.split(',')[2])).toEqual(shown);

    // Done with it: RevOps deletes the backtest, after saying yes.
    await page.getByRole('button', { name: 'Delete this backtest' }).click();
    const dialog = page.getByRole('dialog', { name: 'Delete this backtest?' });
    await dialog.getByRole('button', { name: 'Delete', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'The backtest was deleted.' }).waitFor();
    expect(await changed.count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('backtest')).toBeNull();
    expect((await http(`${system.url}/api/rules/backtests/${started.body.id}`)).status).toBe(404);
  }, 60_000);

  it('when a manager opens the rules page, then the versions and the diff show and the shadow report without activating, backtesting or shadowing', async () => {
    const token = await system.personToken('mia.manager@example.com', 'manager');
    const page = await signInAt(browser, system.url, token, '/');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await card(page, original, true).waitFor();
    await page.getByRole('heading', { name: 'Differences' }).waitFor();
    expect(await page.getByRole('button', { name: 'Activate' }).count()).toBe(0);
    expect(await page.getByRole('heading', { name: 'Backtest' }).count()).toBe(0);
    // The shadow's report is theirs to read, without starting or ending one.
    await page.getByRole('heading', { name: `Report of ${short(lowered)}` }).waitFor();
    expect(await page.getByRole('link', { name: 'fay@acme.example' }).count()).toBe(1);
    expect(await page.getByRole('button', { name: 'End shadow' }).count()).toBe(0);
    expect(await page.getByRole('button', { name: 'Start shadow' }).count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
  }, 60_000);

  it("when RevOps of another tenant opens the rules page, then they backtest but see no Activate button (the live rules are the installation's)", async () => {
    const token = await createPersonToken(system.database.db, 'another-tenant', 'ops@elsewhere.io', 'revops');
    const page = await signInAt(browser, system.url, token, '/');
    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    await card(page, original, true).waitFor();
    await page.getByRole('heading', { name: 'Backtest' }).first().waitFor();
    expect(await page.getByRole('button', { name: 'Activate' }).count()).toBe(0);
  }, 60_000);
});
