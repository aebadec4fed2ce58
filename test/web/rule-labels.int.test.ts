/**
 * Rule-file labels in the workspace stay current without a reload: RevOps makes a version with a
 * renamed queue live from the rules page, and the next page shows the new name; a version made
 * live elsewhere shows when the person comes back to the window. A real headless Chromium against
 * the real system on a copy of the rules folder.
 */
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, cspViolations, launchChromium, signInAt } from './browser';

const SHIPPED_LABEL = 'label: { en: Unassigned MQLs, zh-CN: 未分配的 MQL }';
const RENAMED_LABEL = 'label: { en: MQLs awaiting a rep, zh-CN: 待分配的 MQL }';

describe.skipIf(!chromiumAvailable)('rule-file labels in the workspace', () => {
  let system: TestSystem;
  let browser: Browser;
  let rulesDir: string;
  let original: string;
  let renamed: string;

  const activeVersion = async () =>
    ((await http(`${system.url}/api/rules`)).body as { activeVersion: string }).activeVersion;

  beforeAll(async () => {
    rulesDir = await mkdtemp(path.join(tmpdir(), 'leadflow-rule-labels-'));
    await cp(path.resolve('rules'), rulesDir, { recursive: true });
    system = await startTestSystem('sqlite', { LEADFLOW_RULES_DIR: rulesDir }, { watchRules: true, worker: false });
    browser = await launchChromium();
    // A stored version that renames the unassigned-MQL queue (hot reload stores it), then the shipped one live again.
    original = await activeVersion();
    const routing = path.join(rulesDir, 'routing.yaml');
    const text = await readFile(routing, 'utf8');
    if (!text.includes(SHIPPED_LABEL)) throw new Error(`test setup: routing.yaml no longer has "${SHIPPED_LABEL}"`);
    await writeFile(routing, text.replace(SHIPPED_LABEL, RENAMED_LABEL));
    const deadline = Date.now() + 15_000;
    while ((await activeVersion()) === original && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    renamed = await activeVersion();
    if (renamed === original) throw new Error('test setup: the renamed queue was not hot-reloaded');
    const back = await http(`${system.url}/api/rules/activations`, {
      body: { hash: original, reason: 'test: the shipped names first' },
    });
    if (back.status !== 200) throw new Error(`test setup: rolling back answered ${JSON.stringify(back.body)}`);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
    await rm(rulesDir, { recursive: true, force: true });
  });

  const queueOption = (page: Page) => page.locator('#lead-owner option[value="queue:unassigned-mql"]');

  it('when RevOps makes a version with a renamed queue live on the rules page, then the leads page shows the new name without a reload, and a rollback elsewhere shows on coming back to the window', async () => {
    const page = await signInAt(browser, system.url, system.revopsToken, '/leads');
    const refused = cspViolations(page);
    /** The labels' answers from here on: their status and the version (the ETag) of a 200. */
    const answers: { status: number; etag: string | undefined }[] = [];
    page.on('response', (response) => {
      if (new URL(response.url()).pathname === '/api/rules/labels')
        answers.push({ status: response.status(), etag: response.headers().etag });
    });
    await expect.poll(() => queueOption(page).textContent()).toBe('Queue: Unassigned MQLs');
    // Set on this document only: a reload would lose it.
    await page.evaluate('window.sameDocument = true');

    await page.getByRole('link', { name: 'Rules', exact: true }).click();
    const version = page.getByRole('listitem', { name: `Version ${renamed.slice(0, 10)}`, exact: true });
    await version.getByRole('button', { name: 'Activate' }).click();
    const dialog = page.getByRole('dialog', { name: `Make version ${renamed.slice(0, 10)} live?` });
    await dialog.getByLabel('Why (for the audit trail)').fill('clearer queue name');
    await dialog.getByRole('button', { name: 'Make it live' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe(`Version ${renamed.slice(0, 10)} is live.`);

    await page.getByRole('link', { name: 'Leads', exact: true }).click();
    await expect.poll(() => queueOption(page).textContent()).toBe('Queue: MQLs awaiting a rep');

    // Rolled back by someone else (the API); the window getting the focus back asks again.
    const rollback = await http(`${system.url}/api/rules/activations`, {
      body: { hash: original, reason: 'test: back to the shipped names' },
    });
    expect(rollback.status).toBe(200);
    expect(await queueOption(page).textContent()).toBe('Queue: MQLs awaiting a rep');
    await page.evaluate('window.dispatchEvent(new Event("focus"))');
    await expect.poll(() => queueOption(page).textContent()).toBe('Queue: Unassigned MQLs');
    expect(await page.evaluate('window.sameDocument')).toBe(true);
    // New labels came after the activation and after the rollback; moving between pages with the
    // version unchanged cost a 304. (Playwright may report a response after the page used it: polled.)
    const versions = () => [...new Set(answers.flatMap((a) => (a.status === 200 ? [a.etag] : [])))].sort();
    await expect.poll(versions).toEqual([`"${original}"`, `"${renamed}"`].sort());
    await expect.poll(() => answers.some((a) => a.status === 304)).toBe(true);
    expect(refused).toEqual([]);
    await page.close();
  }, 120_000);
});
