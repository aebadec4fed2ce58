/** A real headless Chromium for the dashboard tests, and signing in the way a person does. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Browser tests run where Chromium is installed, and always in CI (where a missing browser must fail). */
export const chromiumAvailable = existsSync(CHROMIUM) || Boolean(process.env.CI);

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * Collects what the browser refuses under the Content-Security-Policy (it reports each refusal on
 * the console): a dashboard that works under the policy leaves this empty.
 */
export function cspViolations(page: Page): string[] {
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });
  return refused;
}

/** What the page's `getComputedStyle` returns, as far as the tests read it (they are typed without the DOM library). */
interface ComputedStyleWindow {
  getComputedStyle(element: unknown): { getPropertyValue(property: string): string };
}

/** A CSS property (`font-size`) of the element `locator` finds, as the browser computed it. */
export function computedStyle(locator: Locator, property: string): Promise<string> {
  return locator.evaluate(
    (element, name) => (globalThis as unknown as ComputedStyleWindow).getComputedStyle(element).getPropertyValue(name),
    property,
  );
}

/** Opens the dashboard and signs in with `token` through the header form; resolves once it names the person. */
export async function openSignedIn(browser: Browser, url: string, token: string, email: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#signin input[name=token]', token);
  await page.click('#signin button');
  await expect.poll(() => page.locator('#whoami').textContent()).toContain(`signed in as ${email}`);
  return page;
}

/** Signs in on the workspace's sign-in page with an API token (its secondary form, behind "Sign in with an API token"). */
export async function signInWithToken(page: Page, token: string): Promise<void> {
  await page.locator('details.token-signin > summary').click();
  await page.fill('#token', token);
  await page.click('#token-signin button[type=submit]');
}

/** Opens `path` of the workspace at `url` and signs in with `token` on the sign-in page; resolves once signed in. */
export async function signInAt(browser: Browser, url: string, token: string, path: string): Promise<Page> {
  const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
  await page.goto(`${url}${path}`);
  await signInWithToken(page, token);
  await page.locator('#whoami').waitFor();
  return page;
}

/**
 * Chooses `code` in the workspace's language list and waits until it is saved to the signed-in
 * person (`PATCH /api/me`): the list switches the page at once and saves after, so a page opened
 * for the same person before the save lands would still start in the old language.
 */
export async function chooseLanguage(page: Page, code: 'en' | 'zh-CN'): Promise<void> {
  const saved = page.waitForResponse(
    (response) => new URL(response.url()).pathname === '/api/me' && response.request().method() === 'PATCH',
  );
  await page.selectOption('#language', code);
  await saved;
}
