/**
 * Getting in on day one, in a real headless Chromium against the real system: RevOps (signed in
 * with the bootstrap-style API token) invites a manager whose stored language is Chinese; the
 * manager opens the link from the email the embedded SMTP server caught, chooses a password, signs
 * in, lands in Chinese (their stored language beats an English browser), and signs out, which ends
 * the session on the server. axe-core checks the sign-in, set-password and People pages.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, cspViolations, launchChromium, signInWithToken } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const MANAGER = 'mei.lin@example.com';
const PASSWORD = 'plum blossoms in spring';

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

describe.skipIf(!chromiumAvailable)('signing in with a password', () => {
  let system: TestSystem;
  let browser: Browser;

  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    browser = await launchChromium();
    const added = await http(`${system.url}/api/reps/${MANAGER}`, {
      method: 'PUT',
      body: { name: 'Mei Lin', role: 'manager', language: 'zh-CN' },
    });
    expect(added.status).toBeLessThan(300);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('when revops invites a Chinese-speaking manager, then the manager sets a password from the email, signs in in Chinese and signs out', async () => {
    // RevOps, in an English browser, signs in with an API token and invites Mei from the People page.
    const revopsContext = await browser.newContext({ locale: 'en-US' });
    const revops = await revopsContext.newPage();
    const revopsRefused = cspViolations(revops);
    await revops.goto(system.url);
    await expect.poll(() => revops.locator('h1').textContent()).toBe('Sign in to leadflow');
    expect(await accessibilityProblems(revops)).toEqual([]);
    await signInWithToken(revops, system.revopsToken);
    await revops.getByRole('link', { name: 'People' }).click();
    await revops.getByRole('button', { name: 'Invite Mei Lin' }).click();
    await expect.poll(() => revops.getByRole('status').textContent()).toContain(`Invitation sent to ${MANAGER}`);
    expect(await accessibilityProblems(revops)).toEqual([]);
    expect(revopsRefused).toEqual([]);
    await revopsContext.close();

    // The email, caught by the embedded SMTP server, is in Chinese and carries the one-time link.
    await expect.poll(async () => (await system.mailbox!.list({ to: MANAGER })).length, { timeout: 15_000 }).toBe(1);
    const [email] = await system.mailbox!.list({ to: MANAGER });
    expect(email!.subject).toContain('邀请您加入 leadflow');
    const secret = /\/set-password#(lf_[A-Za-z0-9_-]{43})/.exec(email!.text)?.[1];
    expect(secret, email!.text).toBeDefined();

    // Mei's browser is English; her stored language is Chinese, so the pages speak Chinese.
    const context = await browser.newContext({ locale: 'en-US' });
    const page = await context.newPage();
    const refused = cspViolations(page);
    await page.goto(`${system.url}/set-password#${secret}`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('欢迎使用 leadflow');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    expect(await accessibilityProblems(page)).toEqual([]);

    await page.getByLabel('新密码').fill('too short');
    await page.getByLabel('再次输入密码').fill('too short');
    await page.getByRole('button', { name: '保存密码' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('密码至少需要 12 个字符。');
    await page.getByLabel('新密码').fill(PASSWORD);
    await page.getByLabel('再次输入密码').fill(PASSWORD);
    await page.getByRole('button', { name: '保存密码' }).click();

    await expect.poll(() => page.getByRole('status').textContent()).toBe('密码已保存。请用它登录。');
    expect(new URL(page.url()).pathname).toBe('/');
    expect(await page.getByLabel('邮箱', { exact: true }).inputValue()).toBe(MANAGER);
    await page.getByLabel('密码', { exact: true }).fill(PASSWORD);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    await expect.poll(() => page.locator('#whoami').textContent()).toBe('Mei Lin（销售经理）');
    expect(await page.getByRole('navigation').textContent()).toContain('我的工作');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');
    const session = String(await page.evaluate('localStorage.getItem("leadflow.token")'));
    expect((await http(`${system.url}/api/me`, { headers: bearer(session) })).body.email).toBe(MANAGER);

    // Switching the language in the workspace saves it to Mei: her emails and next sign-ins follow it.
    await page.selectOption('#language', 'en');
    await expect.poll(() => page.locator('#whoami').textContent()).toBe('Mei Lin (manager)');
    await expect
      .poll(async () => (await http(`${system.url}/api/me`, { headers: bearer(session) })).body.language)
      .toBe('en');
    await page.selectOption('#language', 'zh-CN');
    await expect
      .poll(async () => (await http(`${system.url}/api/me`, { headers: bearer(session) })).body.language)
      .toBe('zh-CN');

    await page.getByRole('button', { name: '退出登录' }).click();
    // Signed out, the language chosen explicitly in this browser stays (over the browser's English).
    await expect.poll(() => page.locator('h1').textContent()).toBe('登录 leadflow');
    await expect.poll(async () => (await http(`${system.url}/api/me`, { headers: bearer(session) })).status).toBe(401);
    expect(refused).toEqual([]);
    await context.close();
  }, 120_000);
});
