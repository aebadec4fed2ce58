/**
 * What a quote needs around it, set up through the real API: a deal (a lead captured, made an
 * MQL, qualified to SQL by BANT and converted by revops), a catalogue with price-book prices, and
 * a quote template.
 */
import { expect } from 'vitest';
import { bearer, http, type TestSystem } from '../support/system';

/** An SQL converted into a deal; returns the deal id and its owner (the lead's routed rep). The company names the account. */
export async function openDeal(
  system: TestSystem,
  revops: string,
  email: string,
  company = 'Compilers Inc',
): Promise<{ dealId: string; ownerEmail: string }> {
  const post = (path: string, body: unknown, token?: string) =>
    http(`${system.url}${path}`, { body, headers: token ? bearer(token) : {} });
  const lead = await post('/api/leads', {
    email,
    firstName: 'Grace',
    company,
    title: 'VP Engineering',
    source: 'ads',
    attributes: { employees: 1200, region: 'north-america', industry: 'software' },
  });
  expect(lead.status).toBe(201);
  await post(`/api/leads/${lead.body.id}/events`, { type: 'pricing-page-visit' });
  const bant = await post(`/api/leads/${lead.body.id}/bant`, {
    budget: 'confirmed',
    authority: 'decision-maker',
    need: 'confirmed',
    timeline: 'this-quarter',
  });
  expect(bant.body).toMatchObject({ stage: 'sql' });
  const converted = await post(`/api/leads/${lead.body.id}/convert`, {}, revops);
  expect(converted.status).toBe(201);
  const deal = await system.database.db.deal.findUniqueOrThrow({ where: { id: converted.body.dealId } });
  return { dealId: deal.id, ownerEmail: deal.ownerEmail };
}

/** Products with USD prices in the standard price book (onboarding one-time, the rest per year), and the "standard" template (USD, net-30, validity from the rules). */
export async function stockCatalogue(system: TestSystem, revops: string): Promise<void> {
  const send = async (method: string, path: string, body: unknown) => {
    const response = await http(`${system.url}${path}`, { method, body, headers: bearer(revops) });
    expect(response.status, `${method} ${path}: ${JSON.stringify(response.body)}`).toBeLessThan(300);
  };
  for (const [sku, name, price, billing] of [
    ['PLAT-ENT-1Y', 'Platform Enterprise, 1 year', '1200.00', 'yearly'],
    ['ONBOARD', 'Onboarding package', '2500.00', 'one-time'],
    ['SEAT', 'Additional seat', '49.99', 'yearly'],
  ] as const) {
    await send('POST', '/api/products', { sku, name, billing });
    await send('PUT', `/api/products/${sku}/prices/standard/USD`, { unitPrice: price, revision: 1 });
  }
  await send('POST', '/api/products', { sku: 'UNPRICED', name: 'Product without a USD price' });
  await send('POST', '/api/quote-templates', {
    name: 'standard',
    seller: { name: 'Leadflow Inc.', address: '1 Market St, San Francisco, CA 94105', taxId: 'US-12-3456789' },
    paymentTerms: 'net-30',
    currency: 'USD',
    priceBook: 'standard',
    notes: 'Prices exclude travel.',
  });
}
