import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, computedStyle, cspViolations, launchChromium } from './browser';

/** The dashboard in a real headless Chromium against the real system. */
describe.skipIf(!chromiumAvailable)('dashboard', () => {
  let system: TestSystem;
  let browser: Browser;
  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  it('when a person signs in to the dashboard, then they see health, can capture a lead and find MQLs in the queue, and the browser refuses nothing under the security policy', async () => {
    const page = await browser.newPage();
    const refused = cspViolations(page);
    await page.goto(`${system.url}/console`);
    await expect.poll(() => page.locator('[data-check="temporal"]').textContent(), { timeout: 15_000 }).toContain('up');
    expect(await page.locator('[data-check="database"]').textContent()).toContain('up');
    expect(await page.locator('[data-check="rules"]').textContent()).toContain('up');
    // The test system runs against a Temporal cluster whose web UI leadflow does not know: no link, not a wrong one.
    expect(await page.getByRole('link', { name: 'API (OpenAPI)' }).count()).toBe(1);
    expect(await page.getByRole('link', { name: 'Temporal UI' }).count()).toBe(0);
    await page.fill('#signin input[name=token]', system.revopsToken);
    await page.click('#signin button');
    await expect
      .poll(() => page.locator('#whoami').textContent(), { timeout: 15_000 })
      .toContain('revops@leadflow.test');

    await page.fill('#capture input[name=email]', 'Hedy.Lamarr@Frequency.io');
    await page.fill('#capture input[name=company]', 'Frequency Hopping');
    await page.selectOption('#capture select[name=source]', 'events');
    await page.click('#capture button');
    await expect
      .poll(() => page.locator('#capture-result').textContent(), { timeout: 15_000 })
      .toMatch(/Lead ld_\S+ created\./);
    await expect
      .poll(() => page.locator('#lead').textContent(), { timeout: 15_000 })
      .toContain('hedy.lamarr@frequency.io');
    const shown = JSON.parse((await page.locator('#lead').textContent()) ?? '{}');
    expect(shown).toMatchObject({ email: 'hedy.lamarr@frequency.io', company: 'Frequency Hopping', stage: 'new' });

    await page.fill('#capture input[name=email]', 'not-an-email');
    await page.$eval('#capture', (form) => form.setAttribute('novalidate', ''));
    await page.click('#capture button');
    await expect
      .poll(() => page.locator('#capture-result').textContent())
      .toContain('email: must be a valid email address');

    const mql = await http(`${system.url}/api/leads`, {
      body: {
        email: 'katherine@orbits.io',
        firstName: 'Katherine',
        company: 'Orbits',
        title: 'CTO',
        source: 'events',
        attributes: { employees: 1500, region: 'north-america', industry: 'software' },
      },
    });
    await http(`${system.url}/api/leads/${mql.body.id}/events`, { body: { type: 'pricing-page-visit' } });
    await expect
      .poll(async () => (await http(`${system.url}/api/leads/${mql.body.id}`)).body.ownerId, { timeout: 15_000 })
      .toBeTruthy();
    const owner = (await http(`${system.url}/api/leads/${mql.body.id}`)).body.ownerId as string;
    const reps = (await http(`${system.url}/api/reps`)).body.reps as { email: string; name: string | null }[];
    const ownerName = reps.find((r) => r.email === owner)?.name;
    expect(ownerName).toBeTruthy();
    await page.reload();
    const row = page.locator(`#queue tr[data-lead="${mql.body.id}"]`);
    await expect.poll(() => row.count(), { timeout: 15_000 }).toBe(1);
    expect(await row.textContent()).toContain('Katherine');
    // The owner by name, the email in the cell's title.
    await expect.poll(() => row.locator('td').nth(3).textContent()).toBe(ownerName);
    expect(await row.locator('td').nth(3).locator('span').getAttribute('title')).toBe(owner);
    await page.screenshot({ path: `${system.config.dataDir}/dashboard.png`, fullPage: true });
    // The stylesheet applies (its nonce matches) and the queue spans the page (a class, not a style attribute).
    expect(await computedStyle(page.locator('body > header'), 'background-color')).toBe('rgb(19, 49, 92)');
    expect(await computedStyle(page.locator('section:has(#queue)'), 'grid-column-end')).toBe('-1');
    expect(refused).toEqual([]);
    await page.close();
  });

  it("when a rep signs in, then the MQL queue shows only their own leads, not a colleague's", async () => {
    const strong = (email: string, region: string) => ({
      email,
      firstName: email.split('@')[0],
      company: 'Orbits',
      title: 'CTO',
      source: 'events',
      attributes: { employees: 1500, region, industry: 'software' },
    });
    const mqls: { id: string; owner: string }[] = [];
    for (const [email, region] of [
      ['ada@na.example', 'north-america'],
      ['emil@emea.example', 'emea'],
    ] as const) {
      const lead = await http(`${system.url}/api/leads`, { body: strong(email, region) });
      await http(`${system.url}/api/leads/${lead.body.id}/events`, { body: { type: 'pricing-page-visit' } });
      const shown = await http(`${system.url}/api/leads/${lead.body.id}`);
      mqls.push({ id: lead.body.id, owner: shown.body.ownerId });
    }
    const [mine, theirs] = mqls as [{ id: string; owner: string }, { id: string; owner: string }];
    expect(mine.owner).not.toBe(theirs.owner);
    const page = await browser.newPage();
    await page.goto(`${system.url}/console`);
    await page.fill('#signin input[name=token]', await system.personToken(mine.owner, 'rep'));
    await page.click('#signin button');
    await expect.poll(() => page.locator('#whoami').textContent(), { timeout: 15_000 }).toContain(mine.owner);
    await page.reload();
    await expect.poll(() => page.locator(`#queue tr[data-lead="${mine.id}"]`).count(), { timeout: 15_000 }).toBe(1);
    expect(await page.locator(`#queue tr[data-lead="${theirs.id}"]`).count()).toBe(0);
    await page.close();
  });

  it("when a person signs in with an API token, then the dashboard says who they are for the rest of the tab's life, and a bad token is refused", async () => {
    const token = await system.personToken('dora.ops@example.com', 'revops');
    const page = await browser.newPage();
    await page.goto(`${system.url}/console`);
    await page.fill('#signin input[name=token]', 'lf_not-a-real-token');
    await page.click('#signin button');
    await expect
      .poll(() => page.locator('#signin-error').textContent(), { timeout: 15_000 })
      .toContain('The bearer token is malformed');

    await page.fill('#signin input[name=token]', token);
    await page.click('#signin button');
    await expect
      .poll(() => page.locator('#whoami').textContent(), { timeout: 15_000 })
      .toBe('signed in as dora.ops@example.com (revops)');
    expect(await page.locator('#signin-error').textContent()).toBe('');
    await page.reload();
    await expect
      .poll(() => page.locator('#whoami').textContent(), { timeout: 15_000 })
      .toBe('signed in as dora.ops@example.com (revops)');
    await page.click('#signout');
    expect(await page.locator('#whoami').isHidden()).toBe(true);
    await page.close();
  });
});
