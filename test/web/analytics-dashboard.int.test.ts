import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { http, startTestSystem, type TestSystem } from '../support/system';
import { chromiumAvailable, cspViolations, launchChromium, signInWithToken } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const STAGES = ['lead', 'mql', 'sql', 'opportunity', 'won'] as const;

/** The analytics dashboard in Chromium: every number on the screen is the API's number for the same period. */
describe.skipIf(!chromiumAvailable)('analytics dashboard', () => {
  let system: TestSystem;
  let browser: Browser;
  let period: { from: string; to: string };

  async function lead(email: string, company: string, mql: boolean): Promise<string> {
    const created = await http(`${system.url}/api/leads`, {
      body: {
        email,
        company,
        title: 'VP Engineering',
        source: 'events',
        attributes: { employees: 1200, industry: 'software', region: 'north-america' },
      },
    });
    const id = created.body.id as string;
    if (mql) {
      await http(`${system.url}/api/leads/${id}/events`, { body: { type: 'pricing-page-visit' } });
      // In beforeAll, where expect.poll is not allowed: wait for the journey to make it an MQL.
      for (let tries = 0; (await http(`${system.url}/api/leads/${id}`)).body.stage !== 'mql'; tries++) {
        if (tries > 120) throw new Error(`lead ${id} did not become an MQL`);
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
    }
    return id;
  }

  beforeAll(async () => {
    system = await startTestSystem('sqlite');
    browser = await launchChromium();
    const first = await lead('hopper@navy.io', 'Navy Labs', true);
    await lead('kay@xerox.io', 'Xerox Parc', true);
    await lead('liskov@mit.io', 'MIT Group', false);
    await http(`${system.url}/api/leads/${first}/bant`, {
      body: { budget: 'confirmed', authority: 'decision-maker', need: 'confirmed', timeline: 'this-quarter' },
    });
    await http(`${system.url}/api/leads/${first}/convert`, { body: {} });
    // The report's period is the days around the server's clock when the records were made, in UTC.
    const created = new Date((await http(`${system.url}/api/leads/${first}`)).body.createdAt as string);
    const day = (offset: number) => new Date(created.getTime() + offset * 864e5).toISOString().slice(0, 10);
    period = { from: day(-3), to: day(3) };
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function open(): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${system.url}/analytics?from=${period.from}&to=${period.to}&grain=day`);
    await signInWithToken(page, system.revopsToken);
    await page.locator('#volume-tiles').waitFor();
    return page;
  }

  it('when RevOps opens the dashboard, then the tiles, the funnel and the trend show the API figures for the period, and a figure opens its records', async () => {
    const page = await open();
    const refused = cspViolations(page);
    const query = `from=${period.from}&to=${period.to}`;
    const volume = (await http(`${system.url}/api/analytics/volume?${query}&grain=day`)).body;
    const funnel = (await http(`${system.url}/api/analytics/funnel?${query}`)).body;
    expect(volume.current.stages.lead.count).toBe(3);
    expect(volume.current.stages.mql.count).toBe(2);

    const tiles = page.locator('#volume-tiles .tile-value');
    await expect.poll(() => tiles.count()).toBe(5);
    for (const [i, stage] of STAGES.entries())
      expect(await tiles.nth(i).textContent()).toBe(String(volume.current.stages[stage].count));
    for (const step of funnel.current.steps as {
      conversion: { numerator: { count: number }; denominator: { count: number } };
    }[])
      expect(await page.locator('#funnel-steps').textContent()).toContain(
        `(${step.conversion.numerator.count}/${step.conversion.denominator.count})`,
      );

    // The trend's table holds the chart's numbers: per day, as the API buckets them.
    const rows = await page
      .locator('#volume-chart tbody tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => cell.textContent ?? '')));
    const buckets = volume.current.trend as { bucket: string; figures: Record<string, { count: number }> }[];
    expect(rows.map((r) => r[0]!.split(' · ')[0])).toEqual(buckets.map((b) => b.bucket));
    expect(rows.map((r) => Number(r[1]))).toEqual(buckets.map((b) => b.figures.lead!.count));
    await expect.poll(() => page.locator('#volume-chart canvas').getAttribute('data-ready')).toBe('true');

    // Drill-down: the MQL figure lists the two MQLs.
    await page.locator('#volume-tiles .tile-value').nth(1).click();
    await expect.poll(() => page.locator('#drill-down li').count()).toBe(2);
    const listed = await page.locator('#drill-down').textContent();
    expect(listed).toContain('hopper@navy.io');
    expect(listed).toContain('kay@xerox.io');
    expect(listed).not.toContain('liskov@mit.io');
    await page.locator('#drill-down button').click();

    await page.evaluate(AXE);
    const violations: { id: string; impact: string | null }[] = await page.evaluate(
      'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
    );
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when the language is Chinese, then the dashboard labels its figures in Chinese and keeps the numbers', async () => {
    const page = await open();
    await page.selectOption('#language', 'zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('数据分析');
    expect(await page.locator('#volume-tiles .tile-name').first().textContent()).toBe('线索');
    expect(await page.locator('#volume-tiles .tile-value').first().textContent()).toBe('3');
    await page.close();
  });
});
