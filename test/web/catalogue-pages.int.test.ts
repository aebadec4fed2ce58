/**
 * The deal desk's catalogue and quote templates pages in a real headless Chromium against the
 * real system (API, Temporal, SQLite): revops creates a product and prices it, is told beside the
 * field what the API refuses (a bad SKU, a price with too many decimals, a template valid for 0
 * days), edits a product and a template, deactivates a product; a quote then uses what the pages
 * made, and cannot add the deactivated product. A rep reads both pages without the forms, in Chinese.
 */
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import type { Browser, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDeal } from '../quotes/deal-fixture';
import { bearer, http, startTestSystem, type TestSystem } from '../support/system';
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

/** The message shown beside the labelled field of `form`, or '' when there is none. */
const besideField = (form: Locator, name: string) =>
  form.locator('label', { hasText: name }).locator('.field-error').textContent({ timeout: 5_000 });
const rowOf = (page: Page, table: string, key: string) =>
  page.locator(`${table} tbody tr`, { has: page.locator('code', { hasText: new RegExp(`^${key}$`) }) });
const cells = (row: Locator) => row.locator('td').allInnerTexts();

describe.skipIf(!chromiumAvailable)('the catalogue and quote templates pages', () => {
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

  it('when revops fills the catalogue and a template on the pages, then a quote uses them, and not the deactivated product', async () => {
    const page = await signInAt(browser, system.url, system.revopsToken, '/');
    const refused = cspViolations(page);
    await page.getByRole('link', { name: 'Catalogue', exact: true }).click();
    await expect.poll(() => page.locator('h1').textContent()).toBe('Product catalogue');
    await page.getByText('The catalogue is empty.').waitFor();

    // A SKU with a space: the API's 400 is shown beside the SKU field, and nothing is created.
    const product = page.locator('#product-form');
    await product.getByLabel('SKU').fill('CLOUD PRO');
    await product.getByLabel('Name').fill('Cloud Pro');
    await product.getByRole('button', { name: 'Create product' }).click();
    expect(await besideField(product, 'SKU')).toMatch(/^must be 1–64 letters, digits and \. _ -/);
    expect(await product.getByLabel('SKU').getAttribute('aria-invalid')).toBe('true');
    await product.getByLabel('SKU').fill('CLOUD-PRO-1Y');
    await product.getByLabel('Description').fill('Hosted, with SSO');
    await product.getByRole('button', { name: 'Create product' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('CLOUD-PRO-1Y created. Add its list price below.');
    await expect
      .poll(() => cells(rowOf(page, '#product-list', 'CLOUD-PRO-1Y')))
      .toEqual([
        'CLOUD-PRO-1Y',
        'Cloud Pro\nHosted, with SSO',
        'Yearly (per unit per year)',
        '—',
        'Active',
        'Edit Deactivate',
      ]);

    // Its price: three decimals in USD is the API's 422, beside the unit price; two are taken.
    const price = page.getByRole('form', { name: 'Set the price' });
    await price.getByLabel('Unit price').fill('990.001');
    await price.getByRole('button', { name: 'Set the price' }).click();
    expect(await besideField(price, 'Unit price')).toBe('"990.001" has 3 decimals; USD allows at most 2 decimals');
    await price.getByLabel('Unit price').fill('990.00');
    await price.getByRole('button', { name: 'Set the price' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('CLOUD-PRO-1Y costs $990.00 in price book standard.');
    await expect.poll(() => cells(rowOf(page, '#product-list', 'CLOUD-PRO-1Y'))).toContain('$990.00 USD · standard');

    // Edited: a new name.
    await product.getByLabel('Name').fill('Cloud Professional');
    await product.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('CLOUD-PRO-1Y saved.');
    await expect
      .poll(async () => (await cells(rowOf(page, '#product-list', 'CLOUD-PRO-1Y')))[1])
      .toBe('Cloud Professional\nHosted, with SSO');

    // A second product, then deactivated from its row: it stays listed, inactive, and leaves the active filter.
    await product.getByRole('button', { name: 'New product instead' }).click();
    await product.getByLabel('SKU').fill('LEGACY-ADDON');
    await product.getByLabel('Name').fill('Legacy add-on');
    await product.getByLabel('Billing').selectOption('one-time');
    await product.getByRole('button', { name: 'Create product' }).click();
    await rowOf(page, '#product-list', 'LEGACY-ADDON').waitFor();
    await page.getByRole('button', { name: 'Deactivate LEGACY-ADDON' }).click();
    await expect
      .poll(() => page.getByRole('status').first().textContent())
      .toBe('LEGACY-ADDON deactivated: new quotes can no longer add it.');
    await expect.poll(() => cells(rowOf(page, '#product-list', 'LEGACY-ADDON'))).toContain('Inactive');
    await page.locator('#product-status').selectOption('true');
    await expect.poll(() => page.locator('#product-list tbody tr').count()).toBe(1);
    await page.locator('#product-status').selectOption('');
    await page.locator('#product-search').fill('legacy');
    await expect.poll(() => page.locator('#product-list tbody code').allTextContents()).toEqual(['LEGACY-ADDON']);
    expect(await accessibilityProblems(page)).toEqual([]);

    // The template: valid for 0 days is refused beside its field; 30 is taken; then edited to net-45.
    await page.getByRole('link', { name: 'Quote templates', exact: true }).click();
    await page.getByText('No quote templates yet.').waitFor();
    const template = page.locator('#template-form');
    await template.getByLabel('Template name').fill('standard');
    await template.getByLabel('Seller name').fill('Leadflow Inc.');
    await template.getByLabel('Seller tax ID').fill('US-12-3456789');
    await template.getByLabel('Valid for (days)').fill('0');
    await template.getByRole('button', { name: 'Create template' }).click();
    expect(await besideField(template, 'Valid for (days)')).toBe('must be at least 1 day');
    await template.getByLabel('Valid for (days)').fill('30');
    await template.getByRole('button', { name: 'Create template' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Template standard created.');
    await page.getByRole('button', { name: 'Edit template standard' }).click();
    expect(await template.getByLabel('Seller name').inputValue()).toBe('Leadflow Inc.');
    await template.getByLabel('Payment terms').fill('net-45');
    await template.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('Template standard saved.');
    // The list reloads after the status shows: read it until it has.
    await expect
      .poll(() => cells(rowOf(page, '#template-list', 'standard')))
      .toEqual(['standard', 'Leadflow Inc.\nUS-12-3456789', 'USD · standard', 'net-45', '30 days', '—', 'Edit']);
    expect(await accessibilityProblems(page)).toEqual([]);
    expect(refused).toEqual([]);
    await page.close();

    // A rep's quote on the "standard" template takes the product at its page-set price and terms…
    const deal = await openDeal(system, system.revopsToken, 'ada@analytical.example', 'Analytical Engines');
    const rep = await system.personToken(deal.ownerEmail, 'rep');
    const quote = (sku: string) =>
      http(`${system.url}/api/deals/${deal.dealId}/quotes`, {
        body: { customer: { company: 'Analytical Engines', region: 'US-NY' }, lines: [{ sku, quantity: 2 }] },
        headers: bearer(rep),
      });
    const created = await quote('CLOUD-PRO-1Y');
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    expect(created.body.quote.current.content).toMatchObject({
      currency: 'USD',
      paymentTerms: 'net-45',
      lines: [{ sku: 'CLOUD-PRO-1Y', name: 'Cloud Professional', quantity: 2, unitPriceMinor: 99_000 }],
    });
    // …and cannot add the deactivated one.
    const inactive = await quote('LEGACY-ADDON');
    expect(inactive.status).toBe(422);
    expect(inactive.body.error.fields).toContainEqual({
      path: 'lines.0.sku',
      message: 'product LEGACY-ADDON is no longer sold (inactive); only lines already on the quote may keep it',
    });
  });

  it('when someone else saves a product or template between loading and saving, then the page says so with their version, and saving again applies the edit over it', async () => {
    const api = async (method: string, path: string, body: unknown) => {
      const answer = await http(`${system.url}${path}`, { method, body });
      expect(answer.status, JSON.stringify(answer.body)).toBeLessThan(300);
      return answer.body;
    };
    await api('POST', '/api/products', { sku: 'RACE-1Y', name: 'Race tier' });
    const page = await signInAt(browser, system.url, system.revopsToken, '/catalogue');
    await page.getByRole('button', { name: 'Edit RACE-1Y' }).click();
    const product = page.locator('#product-form');
    await product.getByLabel('Name').fill('Race tier (mine)');
    // Meanwhile a colleague renames it and describes it through the API.
    await api('PATCH', '/api/products/RACE-1Y', { name: 'Race tier (theirs)', description: 'Theirs', revision: 1 });
    await product.getByRole('button', { name: 'Save changes' }).click();
    const stale = page.locator('#product-stale');
    await expect
      .poll(() => stale.locator('p').first().textContent())
      .toBe('Someone else changed RACE-1Y while you were editing it.');
    expect(await stale.locator('dd').allTextContents()).toEqual([
      'Race tier (theirs)',
      'Yearly (per unit per year)',
      'Theirs',
      'Active',
    ]);
    expect(await stale.locator('p').last().textContent()).toBe(
      'Your changes are still in the form: save again to apply them to this version.',
    );
    // Nothing of theirs was overwritten, the list shows their version, and the form still holds the edit.
    await expect
      .poll(async () => (await cells(rowOf(page, '#product-list', 'RACE-1Y')))[1])
      .toBe('Race tier (theirs)\nTheirs');
    expect(await product.getByLabel('Name').inputValue()).toBe('Race tier (mine)');
    await product.getByRole('button', { name: 'Save changes' }).click();
    await expect.poll(() => page.getByRole('status').first().textContent()).toBe('RACE-1Y saved.');
    expect(await stale.count()).toBe(0);
    expect(await api('GET', '/api/products/RACE-1Y', undefined)).toMatchObject({
      name: 'Race tier (mine)',
      description: 'Theirs',
      revision: 3,
    });

    // A price set from a product someone changed meanwhile: refused, said, and the prices shown are theirs.
    // The list is read again after the save first; a change written before that read is not "meanwhile".
    await expect
      .poll(async () => (await cells(rowOf(page, '#product-list', 'RACE-1Y')))[1])
      .toBe('Race tier (mine)\nTheirs');
    await api('PUT', '/api/products/RACE-1Y/prices/standard/USD', { unitPrice: '10.00', revision: 3 });
    const price = page.getByRole('form', { name: 'Set the price' });
    await price.getByLabel('Unit price').fill('12.00');
    await price.getByRole('button', { name: 'Set the price' }).click();
    await expect
      .poll(() => price.getByRole('alert').textContent())
      .toBe(
        'Someone else changed RACE-1Y meanwhile; its prices above are the current ones. Set the price again if you still want to.',
      );
    await expect.poll(() => cells(rowOf(page, '#product-list', 'RACE-1Y'))).toContain('$10.00 USD · standard');
    await price.getByLabel('Unit price').fill('12.00');
    await price.getByRole('button', { name: 'Set the price' }).click();
    await expect.poll(() => cells(rowOf(page, '#product-list', 'RACE-1Y'))).toContain('$12.00 USD · standard');

    // Two prices saved one right after the other, before the list is read again (its answer held
    // back here): the second names the revision the first answered, so it is not refused as stale.
    let releaseList = () => {};
    const listHeld = new Promise<void>((resolve) => (releaseList = resolve));
    const isList = (url: URL) => url.pathname === '/api/products';
    await page.route(isList, async (route) => {
      if (route.request().method() === 'GET') await listHeld;
      await route.continue();
    });
    for (const amount of ['13.00', '14.00']) {
      await price.getByLabel('Unit price').fill(amount);
      await price.getByRole('button', { name: 'Set the price' }).click();
      await expect
        .poll(() => page.getByRole('status').first().textContent())
        .toBe(`RACE-1Y costs $${amount} in price book standard.`);
    }
    expect(await price.getByRole('alert').count()).toBe(0);
    releaseList();
    await page.unrouteAll({ behavior: 'wait' });
    await expect.poll(() => cells(rowOf(page, '#product-list', 'RACE-1Y'))).toContain('$14.00 USD · standard');
    expect(await api('GET', '/api/products/RACE-1Y', undefined)).toMatchObject({ revision: 7 });
    await page.close();

    // The template page, for a revops person who reads Chinese.
    const template = { seller: { name: 'Race Ltd' }, paymentTerms: 'net-30', currency: 'USD' };
    await api('POST', '/api/quote-templates', { name: 'race', ...template });
    const zh = await system.personToken('rui.revops@example.com', 'revops', { language: 'zh-CN' });
    const chinese = await signInAt(browser, system.url, zh, '/quote-templates');
    await chinese.getByRole('button', { name: '编辑模板 race' }).click();
    const form = chinese.locator('#template-form');
    await form.locator('input[name=paymentTerms]').fill('net-60');
    await api('PUT', '/api/quote-templates/race', { ...template, paymentTerms: 'net-45', revision: 1 });
    await form.locator('button[type=submit]').click();
    const theirs = chinese.locator('#template-stale');
    await expect.poll(() => theirs.locator('p').first().textContent()).toBe('在您编辑期间，模板 race 已被他人修改。');
    expect(await theirs.locator('dd').allTextContents()).toContain('net-45');
    expect(await theirs.locator('p').last().textContent()).toBe('您的修改仍保留在表单中：再次保存即可应用到此版本。');
    expect(await accessibilityProblems(chinese)).toEqual([]);
    await form.locator('button[type=submit]').click();
    await expect.poll(() => cells(rowOf(chinese, '#template-list', 'race'))).toContain('net-60');
    expect(await api('GET', '/api/quote-templates/race', undefined)).toMatchObject({
      paymentTerms: 'net-60',
      revision: 3,
    });
    await chinese.close();
  });

  it('when a rep opens the pages, then they read the catalogue and templates in Chinese, without the menu entries or forms', async () => {
    const send = async (method: string, path: string, body: unknown) =>
      expect((await http(`${system.url}${path}`, { method, body })).status).toBeLessThan(300);
    await send('POST', '/api/products', { sku: 'READER-OLD', name: 'Retired bundle', active: false });
    await send('POST', '/api/quote-templates', {
      name: 'reader-emea',
      seller: { name: 'Leadflow GmbH' },
      paymentTerms: 'net-30',
      validForDays: 30,
      currency: 'EUR',
    });
    const rep = await system.personToken('rep.reader@example.com', 'rep', { language: 'zh-CN' });
    const page = await signInAt(browser, system.url, rep, '/catalogue');
    await expect.poll(() => page.locator('h1').textContent()).toBe('产品目录');
    expect(await page.getByRole('link', { name: '产品目录', exact: true }).count()).toBe(0);
    await expect.poll(() => cells(rowOf(page, '#product-list', 'READER-OLD'))).toContain('已停用');
    expect(await page.locator('#product-form').count()).toBe(0);
    expect(await page.getByRole('button', { name: '编辑' }).count()).toBe(0);
    await page.goto(`${system.url}/quote-templates`);
    await expect.poll(() => page.locator('h1').textContent()).toBe('报价模板');
    await expect.poll(() => cells(rowOf(page, '#template-list', 'reader-emea'))).toContain('30 天');
    expect(await page.locator('#template-form').count()).toBe(0);
    expect(await accessibilityProblems(page)).toEqual([]);
    await page.close();
  });
});
