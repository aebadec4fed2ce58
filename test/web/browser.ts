/** A real headless Chromium for the dashboard tests, and signing in the way a person does. */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
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

/** Opens the dashboard and signs in with `token` through the header form; resolves once it names the person. */
export async function openSignedIn(browser: Browser, url: string, token: string, email: string): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(url);
  await page.fill('#signin input[name=token]', token);
  await page.click('#signin button');
  await expect.poll(() => page.locator('#whoami').textContent()).toContain(`signed in as ${email}`);
  return page;
}
