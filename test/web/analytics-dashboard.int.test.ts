import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeFixture, writeForecastsQuotaAndSpend } from '../analytics/fixture-db';
import { MARIA } from '../analytics/fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
import { chooseLanguage, chromiumAvailable, cspViolations, launchChromium, signInWithToken } from './browser';

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');
const STAGES = ['lead', 'mql', 'sql', 'opportunity', 'won'] as const;
/** Period C of the hand-computed fixture (test/analytics/fixture.ts), in its reporting zone. */
const C = 'from=2026-03-02&to=2026-03-29&zone=America/New_York';
/** March 2026 in the same zone: whole months, so March's marketing spend counts in the channel figures. */
const MARCH = 'from=2026-03-01&to=2026-03-31&zone=America/New_York';

// The page's number formats (English), so expected texts are computed from the API's figures.
const en = (n: number, options?: Intl.NumberFormatOptions) => new Intl.NumberFormat('en', options).format(n);
const pct = (v: number | null | undefined) => (v == null ? '—' : en(v, { style: 'percent', maximumFractionDigits: 1 }));
const hrs = (v: number | null) => (v == null ? '—' : `${en(v, { maximumFractionDigits: 1 })} business hours`);
const dys = (v: number | null) => (v == null ? '—' : `${en(v, { maximumFractionDigits: 1 })} days`);
/** Minor units of USD or EUR (two decimals) as the page writes them. */
const cash = (minor: number | null, currency: string) =>
  minor == null ? '—' : en(minor / 100, { style: 'currency', currency });
/** A report answer, read field by field as the page does. */
type Answer = any;

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
    // Beside today's leads: the hand-computed fixture of March 2026, for the cards that need deals,
    // quotes, activities, contracts, forecasts, a quota and spend.
    await writeFixture(system.database.db, system.config.tenant);
    await writeForecastsQuotaAndSpend(system.database.db, system.config.tenant);
  }, 180_000);
  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  async function open(address?: string, token = system.revopsToken): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    await page.goto(`${system.url}/analytics?${address ?? `from=${period.from}&to=${period.to}&grain=day`}`);
    await signInWithToken(page, token);
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
    await chooseLanguage(page, 'zh-CN');
    await expect.poll(() => page.locator('h1').textContent()).toBe('数据分析');
    expect(await page.locator('#volume-tiles .tile-name').first().textContent()).toBe('线索');
    expect(await page.locator('#volume-tiles .tile-value').first().textContent()).toBe('3');
    // The choice is saved to the person (their next browser opens in it): back to English for the other tests.
    await chooseLanguage(page, 'en');
    await expect.poll(() => page.locator('h1').textContent()).toBe('Analytics');
    await page.close();
  });

  /** A report's JSON answer, as the page asks for it (with `token`, or the system's revops token). */
  async function report(name: string, query: string, token?: string): Promise<Answer> {
    const answer = await http(`${system.url}/api/analytics/${name}?${query}`, {
      headers: token ? bearer(token) : undefined,
    });
    expect(answer.status, JSON.stringify(answer.body)).toBe(200);
    return answer.body;
  }
  /** Scrolls to a card that loads when seen, and waits for `ready` in it. */
  async function scrollTo(page: Page, id: string, ready: string): Promise<void> {
    await page.locator(`#${id}-slot`).scrollIntoViewIfNeeded();
    await page.locator(ready).first().waitFor();
  }
  const rowsOf = (page: Page, table: string): Promise<string[][]> =>
    page
      .locator(`${table} tbody tr`)
      .evaluateAll((trs) =>
        trs.map((tr) => [...tr.querySelectorAll('th, td')].map((cell) => (cell.textContent ?? '').trim())),
      );
  const tiles = (page: Page, id: string) => page.locator(`#${id} .tile-value`).allTextContents();

  it('when RevOps opens March 2026 of the fixture, then speed, deals, forecast, quota, channels, deal desk, activity, retention and rule attribution show the API figures', async () => {
    const page = await open(MARCH);
    const refused = cspViolations(page);

    const speed = (await report('speed', MARCH)).current;
    await scrollTo(page, 'speed', '#speed-tiles');
    const response = speed.responseTime.businessHours;
    expect((await tiles(page, 'speed-tiles')).slice(0, 2)).toEqual([hrs(response.median), hrs(response.p90)]);
    expect(speed.bottleneck.flagged).not.toBeNull();
    expect(await page.locator('#bottleneck').textContent()).toContain(pct(speed.bottleneck.flagged.worsening));
    expect((await rowsOf(page, '#stage-time-chart')).map((row) => row.slice(1))).toEqual(
      speed.timeInStage.map((x: Answer) => [dys(x.days.median), dys(x.days.p75)]),
    );

    const deals = (await report('deals', MARCH)).current;
    await scrollTo(page, 'deals', '#deals-by-currency');
    expect(await tiles(page, 'deals-tiles')).toEqual([pct(deals.winRate.byCount.value), dys(deals.cycle.median)]);
    expect(await rowsOf(page, '#deals-by-currency')).toEqual(
      ['EUR', 'USD'].map((c) => {
        const velocity = deals.velocity.find((v: Answer) => v.currency === c);
        return [
          c,
          pct(deals.winRate.byValue.find((v: Answer) => v.currency === c).value),
          cash(deals.dealSize.acv.find((a: Answer) => a.currency === c).averageMinor, c),
          `${cash(velocity.perDayMinor, c)} a day`,
        ];
      }),
    );

    const pipeline = (await report('pipeline', MARCH)).current;
    await scrollTo(page, 'forecast', '#weighted');
    expect(await rowsOf(page, '#weighted')).toEqual(
      pipeline.weighted.byCurrency.map((w: Answer) => [
        w.currency,
        cash(w.weightedMinor, w.currency),
        cash(w.unweightedMinor, w.currency),
      ]),
    );
    expect(pipeline.forecast.length).toBeGreaterThan(0);
    for (const f of pipeline.forecast) {
      expect(await page.locator(`#forecast-accuracy-${f.currency}`).textContent()).toContain(
        `forecast accuracy ${pct(f.accuracy)}`,
      );
      const bars = await rowsOf(page, `#forecast-chart-${f.currency}`);
      expect(bars.map((row) => row[1])).toEqual(
        [f.commit, f.bestCase, f.pipeline, f.actual].map((x: Answer) => cash(x.amountMinor, f.currency)),
      );
    }
    expect(await rowsOf(page, '#quotas')).toEqual(
      pipeline.quotas.map((q: Answer) => [
        q.quota.rep,
        cash(q.quota.amountMinor, q.quota.currency),
        cash(q.wonMinor, q.quota.currency),
        pct(q.attainment),
        cash(q.remainingMinor, q.quota.currency),
        q.coverage == null ? '—' : `${en(q.coverage, { maximumFractionDigits: 1 })}×`,
      ]),
    );

    const channels = await report('channels', MARCH);
    expect(channels.current.spendIncluded).toBe(true);
    await scrollTo(page, 'channels', '#channels-table');
    const ads = channels.current.channels.find((c: Answer) => c.source === 'ads');
    expect(ads.byCurrency.length).toBeGreaterThan(0);
    const adsRow = page.locator('#channels-table tr[data-source="ads"]');
    expect(await adsRow.locator('[data-figure="costPerLead"]').textContent()).toBe(
      ads.byCurrency.map((x: Answer) => cash(x.costPerLeadMinor, x.currency)).join(' · '),
    );
    expect(await adsRow.locator('[data-figure="cac"]').textContent()).toBe(
      ads.byCurrency.map((x: Answer) => cash(x.cacMinor, x.currency)).join(' · '),
    );
    expect(await adsRow.locator('[data-figure="roi"]').textContent()).toBe(
      ads.byCurrency.map((x: Answer) => `${x.currency} ${pct(x.roi)}`).join(' · '),
    );
    expect(await page.locator('#spend-note').count()).toBe(0);
    await page.locator('#roi-chart').waitFor();

    const desk = (await report('deal-desk', MARCH)).current;
    await scrollTo(page, 'deal-desk', '#desk-tiles');
    expect(await tiles(page, 'desk-tiles')).toEqual([
      pct(desk.discountDepth.discountBp.mean / 10_000),
      hrs(desk.approvalTurnaround.businessHours.median),
      pct(desk.quoteToClose.rate.value),
    ]);

    const activity = (await report('activity', MARCH)).current;
    await scrollTo(page, 'activity', '#activity-tiles');
    expect(await rowsOf(page, '#activity-chart')).toEqual(
      activity.byRep.map((r: Answer) => [
        r.key,
        en(r.counts.call.count),
        en(r.counts.email.count),
        en(r.counts.meeting.count),
      ]),
    );
    expect((await tiles(page, 'activity-tiles'))[0]).toBe(en(activity.perWonDeal.wonDeals.count));

    const retention = (await report('retention', MARCH)).current;
    await scrollTo(page, 'retention', '#retention-tiles');
    expect(retention.due.count).toBeGreaterThan(0);
    expect(await tiles(page, 'retention-tiles')).toEqual([
      ...['due', 'renewed', 'notRenewed', 'pending'].map((k) => en(retention[k].count)),
      pct(retention.rate.value),
    ]);

    const attribution = (await report('rule-attribution', MARCH)).current;
    await scrollTo(page, 'attribution', '#attribution-table');
    expect(await rowsOf(page, '#attribution-table')).toEqual(
      attribution.rows.map((row: Answer) => [
        row.version === '(none)'
          ? '(none)'
          : /^[0-9a-f]{16,}$/.test(row.version)
            ? row.version.slice(0, 12)
            : row.version,
        en(row.funnel.stages.lead.count),
        ...row.funnel.steps.map((step: Answer) => pct(step.conversion.value)),
        hrs(row.response.businessHours.median),
        pct(row.winRate.value),
      ]),
    );

    // Every card says how its figures are computed.
    expect(await page.locator('section.card').count()).toBe(await page.locator('section.card > details.how').count());
    await page.evaluate(AXE);
    const violations: { id: string; impact: string | null }[] = await page.evaluate(
      'axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)',
    );
    expect(violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => v.id)).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();
  });

  it('when a breakdown by rep and the period view are chosen, then they are kept in the address and the cards show each rep’s figures, which open their records', async () => {
    const page = await open(C);
    await page.selectOption('#analytics-breakdown', 'rep');
    await page.selectOption('#analytics-view', 'period');
    await expect.poll(() => new URL(page.url()).searchParams.get('view')).toBe('period');
    expect(new URL(page.url()).searchParams.get('breakdown')).toBe('rep');

    const volume = await report('volume', `${C}&grain=week&breakdown=rep`);
    await page.locator('#volume-groups').waitFor();
    expect((await rowsOf(page, '#volume-groups')).map((row) => [row[0], row[2]])).toEqual(
      volume.breakdown.groups.map((g: Answer) => [g.key, en(g.current.stages.mql.count)]),
    );
    const funnel = await report('funnel', `${C}&breakdown=rep&view=period`);
    await expect.poll(() => page.locator('#funnel-title').textContent()).toBe('Funnel (moves in the period)');
    for (const step of funnel.current.steps)
      expect(await page.locator('#funnel-steps').textContent()).toContain(
        `(${step.conversion.numerator.count}/${step.conversion.denominator.count})`,
      );

    const deals = await report('deals', `${C}&breakdown=rep`);
    const groups = deals.breakdown.groups as Answer[];
    expect(groups.length).toBeGreaterThan(1);
    await scrollTo(page, 'deals', '#deals-groups');
    const rows = await rowsOf(page, '#deals-groups');
    expect(rows.map((row) => [row[0], row[1], row[4]])).toEqual(
      groups.map((g) => [g.key, pct(g.current.winRate.byCount.value), dys(g.current.cycle.median)]),
    );
    // A rep's win-rate figure opens that rep's won deals.
    const at = groups.findIndex((g) => g.current.winRate.byCount.numerator.count > 0);
    await page.locator('#deals-groups tbody tr').nth(at).locator('button').first().click();
    await expect
      .poll(() => page.locator('#drill-down li').count())
      .toBe(groups[at].current.winRate.byCount.numerator.count);
    await page.locator('#drill-down button').click();

    // Rule attribution, by routing version: each rep's win rate per version.
    await page.selectOption('#analytics-by', 'routing');
    await expect.poll(() => new URL(page.url()).searchParams.get('by')).toBe('routing');
    const attribution = await report('rule-attribution', `${C}&breakdown=rep&by=routing`);
    const versions = (attribution.current.rows as Answer[]).map((row) => row.version as string);
    await scrollTo(page, 'attribution', '#attribution-groups');
    await expect
      .poll(() => page.locator('#attribution-title').textContent())
      .toBe('Rule attribution by routing version');
    expect(await rowsOf(page, '#attribution-groups')).toEqual(
      (attribution.breakdown.groups as Answer[]).map((g) => [
        g.key,
        ...versions.map((v) => pct(g.current.rows.find((r: Answer) => r.version === v)?.winRate.value)),
      ]),
    );
    await page.close();
  });

  it('when RevOps downloads each card’s report as CSV, then the file is that report’s CSV for the period shown, header row first', async () => {
    const page = await open(MARCH);
    const cards: [card: string, report: string, deferred: boolean][] = [
      ['volume', 'volume', false],
      ['funnel', 'funnel', false],
      ['pipeline', 'pipeline', false],
      ['win-loss', 'win-loss', false],
      ['speed', 'speed', true],
      ['deals', 'deals', true],
      ['forecast', 'pipeline', true],
      ['channels', 'channels', true],
      ['deal-desk', 'deal-desk', true],
      ['activity', 'activity', true],
      ['retention', 'retention', true],
      ['attribution', 'rule-attribution', true],
    ];
    for (const [card, name, deferred] of cards) {
      const button = page.locator(`#${card}`).getByRole('button', { name: /as CSV$/ });
      if (deferred) await scrollTo(page, card, `#${card} .actions button`);
      const [download] = await Promise.all([page.waitForEvent('download'), button.click()]);
      expect(download.suggestedFilename()).toBe(`leadflow-${name}-2026-03-01-2026-03-31.csv`);
      const lines = readFileSync(await download.path(), 'utf8').split('\r\n');
      expect(lines[0], card).toBe('period,group,figure,currency,value');
      expect(lines[1], card).toMatch(/^current,\(all\),/);
    }
    // The volume card's file is the API's CSV of the same period and options, byte for byte.
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: 'Download Volume as CSV' }).click(),
    ]);
    const api = await fetch(`${system.url}/api/analytics/volume?${MARCH}&grain=week&format=csv`, {
      headers: bearer(system.revopsToken),
    });
    expect(readFileSync(await download.path(), 'utf8')).toBe(await api.text());
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.close();
  });

  it('when a manager opens the channels, then they read that spend is shown to RevOps only, with no cost columns', async () => {
    const token = await system.personToken(MARIA, 'manager');
    const channels = await report('channels', MARCH, token);
    expect(channels.current.spendIncluded).toBe(false);
    const page = await open(MARCH, token);
    await scrollTo(page, 'channels', '#channels-table');
    expect(await page.locator('#spend-note').textContent()).toBe('Marketing spend is shown to RevOps only.');
    expect(await page.locator('#channels-table [data-figure="cac"]').count()).toBe(0);
    expect(await page.locator('#roi-chart').count()).toBe(0);
    expect((await rowsOf(page, '#channels-table')).map((row) => row[1])).toEqual(
      channels.current.channels.map((c: Answer) => en(c.leads.count)),
    );
    await page.close();
  });
});
