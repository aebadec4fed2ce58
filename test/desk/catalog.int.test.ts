/**
 * The product catalogue, price books and quote templates through the real HTTP API: RevOps
 * maintains them, everyone reads them, and prices stay exact.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getQuoteTemplate } from '../../src/usecases/quote-templates';
import { findListPrice } from '../../src/usecases/catalog';
import { providers } from '../support/database';
import { startTestSystem, type TestSystem } from '../support/system';
import { client, fieldPaths, type Client } from './support';

const REVOPS = 'rita.revops@example.com';
const REP = 'ravi.rep@example.com';
const MANAGER = 'mateo.manager@example.com';
const ifMatch = (revision: number) => ({ 'if-match': `"${revision}"` });

describe.each(providers)('catalogue, price books and quote templates on %s', (provider) => {
  let system: TestSystem;
  let revops: Client, rep: Client, manager: Client, anonymous: Client;

  beforeAll(async () => {
    system = await startTestSystem(provider);
    revops = client(system.url, await system.personToken(REVOPS, 'revops'));
    rep = client(system.url, await system.personToken(REP, 'rep'));
    manager = client(system.url, await system.personToken(MANAGER, 'manager'));
    anonymous = client(system.url);
  });
  afterAll(async () => {
    await system?.stop();
  });

  it('when revops prices a product from decimal text, then it is kept exactly in minor units and shown formatted', async () => {
    const created = await revops.post('/api/products', {
      sku: 'PLAT-ENT-1Y',
      name: 'Platform Enterprise (1 year)',
      description: 'Per seat',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/products/PLAT-ENT-1Y');
    expect(created.body).toMatchObject({
      sku: 'PLAT-ENT-1Y',
      name: 'Platform Enterprise (1 year)',
      description: 'Per seat',
      billing: 'yearly',
      active: true,
      prices: [],
      revision: 1,
    });

    // A price is part of the product: each one set names the product's revision and moves it on.
    const usd = await revops.put('/api/products/PLAT-ENT-1Y/prices/standard/USD', {
      unitPrice: '1200.10',
      revision: 1,
    });
    expect(usd.status).toBe(201);
    expect(usd.headers.get('etag')).toBe('"2"');
    expect(usd.body).toEqual({
      priceBook: 'standard',
      currency: 'USD',
      unitPriceMinor: 120010,
      unitPriceFormatted: 'USD 1,200.10',
    });
    const changed = await revops.put(
      '/api/products/PLAT-ENT-1Y/prices/standard/usd',
      { unitPrice: '1200' },
      ifMatch(2),
    );
    expect(changed.status).toBe(200);
    expect(changed.body.unitPriceMinor).toBe(120000);
    await revops.put('/api/products/PLAT-ENT-1Y/prices/standard/JPY', { unitPrice: '180000', revision: 3 });
    await revops.put('/api/products/PLAT-ENT-1Y/prices/partner/USD', { unitPrice: '999.99', revision: 4 });

    const product = await rep.get('/api/products/PLAT-ENT-1Y');
    expect(product.body.revision).toBe(5);
    expect(product.headers.get('etag')).toBe('"5"');
    expect(product.body.prices).toEqual([
      { priceBook: 'partner', currency: 'USD', unitPriceMinor: 99999, unitPriceFormatted: 'USD 999.99' },
      { priceBook: 'standard', currency: 'JPY', unitPriceMinor: 180000, unitPriceFormatted: 'JPY 180,000' },
      { priceBook: 'standard', currency: 'USD', unitPriceMinor: 120000, unitPriceFormatted: 'USD 1,200.00' },
    ]);
    await expect(
      findListPrice(system.database.db, system.config.tenant, {
        sku: 'PLAT-ENT-1Y',
        priceBook: 'standard',
        currency: 'USD',
      }),
    ).resolves.toEqual({
      sku: 'PLAT-ENT-1Y',
      name: 'Platform Enterprise (1 year)',
      billing: 'yearly',
      active: true,
      priceBook: 'standard',
      currency: 'USD',
      unitPriceMinor: 120000,
    });
    await expect(
      findListPrice(system.database.db, system.config.tenant, {
        sku: 'PLAT-ENT-1Y',
        priceBook: 'standard',
        currency: 'EUR',
      }),
    ).resolves.toBeNull();
    const audit = await system.database.db.auditEvent.findMany({
      where: { subjectType: 'product', subjectId: created.body.id },
    });
    expect(audit.map((a) => a.action).sort()).toEqual([
      'product.created',
      'product.price-set',
      'product.price-set',
      'product.price-set',
      'product.price-set',
    ]);
  });

  it.each([
    // Well-formed decimals with more decimals than the currency has: 422 (the path's currency decides).
    { price: '12.345', currency: 'USD', status: 422, path: 'unitPrice', message: 'USD allows at most 2 decimals' },
    { price: '1.5', currency: 'JPY', status: 422, path: 'unitPrice', message: 'JPY has no minor unit' },
    // Not the documented shape at all: 400.
    { price: '-5.00', currency: 'USD', status: 400, path: 'unitPrice', message: 'must be a decimal string' },
    { price: '1,200.00', currency: 'USD', status: 400, path: 'unitPrice', message: 'must be a decimal string' },
    { price: ' 12', currency: 'USD', status: 400, path: 'unitPrice', message: 'must be a decimal string' },
    { price: 1200, currency: 'USD', status: 400, path: 'unitPrice', message: 'not a JSON number' },
    { price: '10', currency: 'XYZ', status: 400, path: 'params.currency', message: 'ISO 4217' },
  ])(
    'when a price is "$price" $currency, then it is a $status on $path',
    async ({ price, currency, status, path, message }) => {
      await revops.post('/api/products', { sku: 'ADDON-SSO', name: 'SSO add-on' });
      // Refused prices leave the product at revision 1.
      const answer = await revops.put(`/api/products/ADDON-SSO/prices/standard/${currency}`, {
        unitPrice: price,
        revision: 1,
      });
      expect(answer.status).toBe(status);
      expect(answer.body.error.fields).toEqual([{ path, message: expect.stringContaining(message) }]);
    },
  );

  it('when the catalogue is read, then it lists active products with their prices in the price book and currency asked for', async () => {
    await revops.post('/api/products', { sku: 'CAT-A', name: 'Analytics' });
    await revops.post('/api/products', { sku: 'CAT-B', name: 'Bots', active: false });
    await revops.post('/api/products', { sku: 'CAT-C', name: 'Calendar', billing: 'one-time' });
    await revops.put('/api/products/CAT-A/prices/catalog-test/USD', { unitPrice: '100.00', revision: 1 });
    await revops.put('/api/products/CAT-A/prices/catalog-test/EUR', { unitPrice: '90.00', revision: 2 });
    await revops.put('/api/products/CAT-B/prices/catalog-test/USD', { unitPrice: '50.00', revision: 1 });

    const usd = await rep.get('/api/catalog?priceBook=catalog-test&currency=USD');
    expect(usd.status).toBe(200);
    expect(usd.body.priceBook).toBe('catalog-test');
    expect(usd.body.currency).toBe('USD');
    const mine = usd.body.products.filter((p: { sku: string }) => p.sku.startsWith('CAT-'));
    expect(mine).toEqual([
      {
        sku: 'CAT-A',
        name: 'Analytics',
        description: null,
        billing: 'yearly',
        prices: [
          { priceBook: 'catalog-test', currency: 'USD', unitPriceMinor: 10000, unitPriceFormatted: 'USD 100.00' },
        ],
      },
      { sku: 'CAT-C', name: 'Calendar', description: null, billing: 'one-time', prices: [] },
    ]);
    const everyCurrency = await rep.get('/api/catalog?priceBook=catalog-test');
    expect(
      everyCurrency.body.products
        .find((p: { sku: string }) => p.sku === 'CAT-A')
        .prices.map((p: { currency: string }) => p.currency),
    ).toEqual(['EUR', 'USD']);
    const standard = await rep.get('/api/catalog');
    expect(standard.body.priceBook).toBe('standard');
    expect(fieldPaths((await rep.get('/api/catalog?currency=DOGE&priceBook=Bad Book')).body).sort()).toEqual([
      'query.currency',
      'query.priceBook',
    ]);

    const inactive = await rep.get('/api/products?active=false');
    expect(inactive.body.products.map((p: { sku: string }) => p.sku)).toContain('CAT-B');
    expect(inactive.body.products.every((p: { active: boolean }) => !p.active)).toBe(true);
  });

  it('when a product in a price book is deleted, then it is refused with a 409 naming the price book and kept; deactivated, it leaves the catalogue; an unpriced one is deleted', async () => {
    await revops.post('/api/products', { sku: 'OLD-PRICED', name: 'Legacy connector' });
    await revops.put('/api/products/OLD-PRICED/prices/standard/USD', { unitPrice: '10.00', revision: 1 });
    const refused = await revops.delete('/api/products/OLD-PRICED', ifMatch(2));
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('conflict');
    expect(refused.body.error.message).toContain('standard USD');
    expect(refused.body.error.message).toContain('"active": false');
    expect((await rep.get('/api/products/OLD-PRICED')).body).toMatchObject({
      active: true,
      prices: [{ unitPriceMinor: 1000 }],
    });
    const deactivated = await revops.patch('/api/products/OLD-PRICED', { active: false, revision: 2 });
    expect(deactivated.body).toMatchObject({
      sku: 'OLD-PRICED',
      active: false,
      prices: [{ unitPriceMinor: 1000 }],
      revision: 3,
    });
    const catalog = await rep.get('/api/catalog?currency=USD');
    expect(catalog.body.products.map((p: { sku: string }) => p.sku)).not.toContain('OLD-PRICED');

    await revops.post('/api/products', { sku: 'OLD-UNPRICED', name: 'Never sold' });
    expect((await revops.delete('/api/products/OLD-UNPRICED', ifMatch(1))).status).toBe(204);
    expect((await rep.get('/api/products/OLD-UNPRICED')).status).toBe(404);

    const reactivated = await revops.patch(
      '/api/products/OLD-PRICED',
      { active: true, description: 'Back by demand' },
      ifMatch(3),
    );
    expect(reactivated.body).toMatchObject({ active: true, description: 'Back by demand', revision: 4 });
    const removed = await revops.delete('/api/products/OLD-PRICED/prices/standard/USD', ifMatch(4));
    expect(removed.status).toBe(204);
    expect(removed.headers.get('etag')).toBe('"5"');
    expect((await revops.delete('/api/products/OLD-PRICED/prices/standard/USD', ifMatch(5))).status).toBe(404);
  });

  it('when products are invalid or duplicate, then it is a 400 naming the fields or a 409', async () => {
    const bad = await revops.post('/api/products', {
      sku: 'has space',
      name: '',
      active: 'yes',
      billing: 'monthly',
      price: 10,
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad.body).sort()).toEqual(['(body)', 'active', 'billing', 'name', 'sku']);
    await revops.post('/api/products', { sku: 'DUP-1', name: 'First' });
    const duplicate = await revops.post('/api/products', { sku: 'DUP-1', name: 'Second' });
    expect(duplicate.status).toBe(409);
    expect(duplicate.body.error.code).toBe('conflict');
    // Well-formed, but nothing to change: a 422 naming the body (the OpenAPI schema cannot say it).
    for (const nothing of [{}, { revision: 1 }]) {
      const refused = await revops.patch('/api/products/DUP-1', nothing);
      expect(refused.status).toBe(422);
      expect(refused.body.error.fields).toEqual([
        { path: '(body)', message: 'name at least one field to change (besides revision)' },
      ]);
    }
    expect((await revops.patch('/api/products/NOPE-1', { name: 'x', revision: 1 })).status).toBe(404);
  });

  it('when someone other than revops changes the catalogue, then it is a 403; without a token, a 401; anyone signed in reads', async () => {
    await revops.post('/api/products', { sku: 'GUARDED', name: 'Guarded' });
    const attempts = await Promise.all([
      rep.post('/api/products', { sku: 'REP-1', name: 'Rep product' }),
      manager.patch('/api/products/GUARDED', { name: 'Renamed' }),
      rep.put('/api/products/GUARDED/prices/standard/USD', { unitPrice: '1.00' }),
      manager.delete('/api/products/GUARDED'),
      rep.post('/api/quote-templates', {
        name: 'rep-template',
        seller: { name: 'X' },
        paymentTerms: 'net-30',
        currency: 'USD',
      }),
    ]);
    expect(attempts.map((a) => a.status)).toEqual([403, 403, 403, 403, 403]);
    expect(attempts[0].body.error.message).toContain('needs one of the roles revops');
    const anonymousAnswers = await Promise.all([
      anonymous.get('/api/catalog'),
      anonymous.get('/api/products'),
      anonymous.get('/api/quote-templates'),
      anonymous.post('/api/products', { sku: 'A', name: 'A' }),
    ]);
    expect(anonymousAnswers.map((a) => a.status)).toEqual([401, 401, 401, 401]);
    expect((await rep.get('/api/products/GUARDED')).body.name).toBe('Guarded');
  });

  it('when revops keeps quote templates, then they can be created, read, listed, replaced and deleted, and the quote builder reads one by name', async () => {
    const template = {
      name: 'standard-emea',
      seller: { name: 'Leadflow GmbH', address: 'Torstraße 1, 10119 Berlin', taxId: 'DE123456789' },
      paymentTerms: 'net-30',
      currency: 'EUR',
      notes: 'Prices exclude VAT.',
    };
    const created = await revops.post('/api/quote-templates', template);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/api/quote-templates/standard-emea');
    expect(created.body).toMatchObject({ ...template, validForDays: null, priceBook: 'standard' });
    expect((await revops.post('/api/quote-templates', template)).status).toBe(409);

    const read = await rep.get('/api/quote-templates/standard-emea');
    expect(read.body).toEqual(created.body);
    const forBuilder = await getQuoteTemplate(system.database.db, system.config.tenant, 'standard-emea');
    expect(forBuilder).toMatchObject({
      name: 'standard-emea',
      seller: template.seller,
      paymentTerms: 'net-30',
      validForDays: null,
      currency: 'EUR',
      priceBook: 'standard',
    });
    await expect(getQuoteTemplate(system.database.db, system.config.tenant, 'no-such-template')).resolves.toBeNull();

    const replaced = await revops.put('/api/quote-templates/standard-emea', {
      seller: { name: 'Leadflow GmbH' },
      paymentTerms: 'net-45',
      validForDays: 14,
      currency: 'EUR',
      priceBook: 'partner',
      revision: 1,
    });
    expect(replaced.status).toBe(200);
    expect(replaced.headers.get('etag')).toBe('"2"');
    expect(replaced.body).toMatchObject({
      revision: 2,
      seller: { name: 'Leadflow GmbH', address: null, taxId: null },
      paymentTerms: 'net-45',
      validForDays: 14,
      priceBook: 'partner',
      notes: null,
    });
    expect((await rep.get('/api/quote-templates')).body.templates.map((t: { name: string }) => t.name)).toContain(
      'standard-emea',
    );

    expect((await revops.delete('/api/quote-templates/standard-emea', ifMatch(2))).status).toBe(204);
    expect((await rep.get('/api/quote-templates/standard-emea')).status).toBe(404);
    expect(
      (
        await revops.put('/api/quote-templates/standard-emea', {
          seller: { name: 'X' },
          paymentTerms: 'net-30',
          currency: 'EUR',
          revision: 2,
        })
      ).status,
    ).toBe(404);
    const audit = await system.database.db.auditEvent.findMany({
      where: { subjectId: created.body.id },
      orderBy: { occurredAt: 'asc' },
    });
    expect(audit.map((a) => a.action)).toEqual([
      'quote-template.created',
      'quote-template.replaced',
      'quote-template.deleted',
    ]);
  });

  it('when two people change the same product or template from the same revision, then the second is refused with 409 stale_revision and nothing is overwritten', async () => {
    await revops.post('/api/products', { sku: 'RACE-1', name: 'Race' });
    expect((await revops.patch('/api/products/RACE-1', { name: 'First edit', revision: 1 })).status).toBe(200);
    const second = await revops.patch('/api/products/RACE-1', { name: 'Second edit', revision: 1 });
    expect(second.status).toBe(409);
    expect(second.body.error.code).toBe('stale_revision');
    expect(second.body.error.message).toContain('RACE-1 is at revision 2, not 1');
    expect(second.body.error.fields).toEqual([{ path: 'revision', message: 'the current revision is 2' }]);
    // A price is refused the same way, and so is a deletion.
    expect(
      (await revops.put('/api/products/RACE-1/prices/standard/USD', { unitPrice: '5.00' }, ifMatch(1))).status,
    ).toBe(409);
    expect((await revops.delete('/api/products/RACE-1', ifMatch(1))).status).toBe(409);
    expect((await rep.get('/api/products/RACE-1')).body).toMatchObject({ name: 'First edit', prices: [], revision: 2 });

    // No revision at all: 428 naming the field; If-Match and the body disagreeing: 422.
    const unconditional = await revops.patch('/api/products/RACE-1', { name: 'Blind edit' });
    expect(unconditional.status).toBe(428);
    expect(unconditional.body.error.code).toBe('precondition_required');
    expect(fieldPaths(unconditional.body)).toEqual(['revision']);
    expect((await revops.delete('/api/products/RACE-1')).status).toBe(428);
    expect((await revops.patch('/api/products/RACE-1', { name: 'x', revision: 2 }, ifMatch(1))).status).toBe(422);
    expect((await revops.patch('/api/products/RACE-1', { name: 'x' }, { 'if-match': 'latest' })).status).toBe(400);

    const template = { seller: { name: 'Race Ltd' }, paymentTerms: 'net-30', currency: 'USD' };
    await revops.post('/api/quote-templates', { name: 'race', ...template });
    expect((await revops.put('/api/quote-templates/race', { ...template, notes: 'A', revision: 1 })).status).toBe(200);
    const stale = await revops.put('/api/quote-templates/race', { ...template, notes: 'B' }, ifMatch(1));
    expect(stale.status).toBe(409);
    expect(stale.body.error.code).toBe('stale_revision');
    expect((await revops.put('/api/quote-templates/race', template)).status).toBe(428);
    expect((await revops.delete('/api/quote-templates/race', ifMatch(1))).status).toBe(409);
    expect((await rep.get('/api/quote-templates/race')).body).toMatchObject({ notes: 'A', revision: 2 });
  });

  it('when a quote template is invalid, then the 400 names each field', async () => {
    const bad = await revops.post('/api/quote-templates', {
      name: 'Bad Name',
      seller: {},
      paymentTerms: 'Net 30 days',
      validForDays: 0,
      currency: 'EURO',
      priceBook: 'Partner Book',
    });
    expect(bad.status).toBe(400);
    expect(fieldPaths(bad.body).sort()).toEqual([
      'currency',
      'name',
      'paymentTerms',
      'priceBook',
      'seller.name',
      'validForDays',
    ]);
  });
});
