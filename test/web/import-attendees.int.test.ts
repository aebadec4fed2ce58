/**
 * Importing an event's attendee list in the workspace, in a real headless Chromium against the
 * real system (Temporal dev server, worker, SQLite): revops uploads a small CSV with one bad row,
 * sees that row named by its row and column, and watches the journeys' progress to the end.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, cspViolations, launchChromium, signInAt } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

async function accessibilityProblems(page: Page): Promise<string[]> {
  await page.evaluate(AXE);
  const violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] = await page.evaluate(
    'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
  );
  return violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
}

describe.skipIf(!chromiumAvailable)('importing attendees in the workspace', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    browser = await launchChromium();
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('when revops uploads an attendee list with one bad row, then the row is named and the progress runs to the end', async () => {
    const page = await signInAt(browser, system.url, system.revopsToken, '/');
    const refused = cspViolations(page);
    await page.getByRole('link', { name: 'Import attendees' }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Import attendees');
    await page.getByLabel('Attendee list (CSV)').setInputFiles({
      name: 'summit.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(
        'Email,First Name,Last Name,Company\nada@summit.io,Ada,Lovelace,Analytical\nnot-an-email,Bad,Row,Nowhere\ngrace@summit.io,Grace,Hopper,Navy\n',
      ),
    });
    await page.getByLabel('Campaign').fill('summit-2026');
    await page.getByRole('button', { name: 'Upload' }).click();

    const rejected = page.getByRole('table', { name: 'Rejected rows' });
    await expect.poll(() => rejected.locator('tbody tr').count()).toBe(1);
    const cells = await rejected.locator('tbody td').allTextContents();
    expect(cells.slice(0, 2)).toEqual(['3', 'Email']);
    expect(cells[2]).toContain('must be a valid email address');
    await expect.poll(() => page.getByText('3 rows: 2 accepted, 0 already imported, 1 rejected.').count()).toBe(1);
    await expect
      .poll(() => page.getByRole('status').last().textContent(), { timeout: 60_000 })
      .toBe('Done: 2 stored, 0 failed.');
    expect(await system.database.db.lead.count({ where: { email: { endsWith: '@summit.io' } } })).toBe(2);
    expect(await accessibilityProblems(page)).toEqual([]);

    // A Chinese reader reads the rejected row's problem in Chinese (the API words it for the workspace's language).
    await page.selectOption('#language', 'zh-CN');
    const zhRejected = page.getByRole('table', { name: '被拒绝的行' });
    await expect
      .poll(() => zhRejected.locator('tbody td').nth(2).textContent())
      .toBe('第 3 行，"Email" 列：不是有效的电子邮件地址');
    await page.selectOption('#language', 'en');
    await expect
      .poll(() => rejected.locator('tbody td').nth(2).textContent())
      .toBe('row 3, column "Email": must be a valid email address');
    expect(refused).toEqual([]);
  }, 120_000);
});
