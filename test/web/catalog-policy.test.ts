import { describe, expect, it } from 'vitest';
import { POLICIES } from '../../src/api/access-policy';
import { CURRENCY_CODES } from '../../src/domain/money';
import { LINE_BILLINGS } from '../../src/domain/quote';
import { DEFAULT_PRICE_BOOK } from '../../src/usecases/catalog';
import * as workspace from '../../src/web/app/lib/catalog';
import type { Product } from '../../src/web/app/lib/catalog';

/** The operations the catalogue and templates pages send to change something. */
const CHANGES = [
  'POST /api/products',
  'PATCH /api/products/{sku}',
  'PUT /api/products/{sku}/prices/{priceBook}/{currency}',
  'DELETE /api/products/{sku}/prices/{priceBook}/{currency}',
  'POST /api/quote-templates',
  'PUT /api/quote-templates/{name}',
];

const product = (sku: string, name: string, description: string | null = null): Product => ({
  id: `prd_${sku}`,
  sku,
  name,
  description,
  billing: 'yearly',
  active: true,
  prices: [],
  revision: 1,
  updatedAt: '2026-01-05T09:00:00.000Z',
});

describe('the catalogue and templates pages of the workspace', () => {
  it("when the API's currencies, billings, default price book or editors change, then the pages offer the same", () => {
    expect(workspace.CURRENCY_CODES).toEqual([...CURRENCY_CODES]);
    expect(workspace.BILLINGS).toEqual([...LINE_BILLINGS]);
    expect(workspace.DEFAULT_PRICE_BOOK).toBe(DEFAULT_PRICE_BOOK);
    for (const operation of CHANGES)
      expect(POLICIES[operation], operation).toMatchObject({
        access: 'token',
        scope: 'admin',
        roles: workspace.CATALOGUE_EDITORS,
      });
  });

  it.each([
    ['revops with an admin token', 'revops', ['read', 'write', 'admin'], true],
    ['revops with a read-and-write token', 'revops', ['read', 'write'], false],
    ['a manager', 'manager', ['read', 'write', 'admin'], false],
    ['a rep', 'rep', ['read', 'write'], false],
  ])('when %s is signed in, then the pages offer editing: %s', (_who, role, scopes, edits) => {
    expect(workspace.editsCatalogue({ role, scopes })).toBe(edits);
  });

  it('when someone searches the catalogue, then SKU, name and description match in any case', () => {
    const products = [
      product('PLAT-ENT-1Y', 'Platform Enterprise'),
      product('SEAT', 'Additional seat', 'One more named user'),
      product('ONBOARD', 'Onboarding package'),
    ];
    const skus = (text: string) => workspace.matchingProducts(products, text).map((p) => p.sku);
    expect(skus('  ')).toEqual(['PLAT-ENT-1Y', 'SEAT', 'ONBOARD']);
    expect(skus('plat')).toEqual(['PLAT-ENT-1Y']);
    expect(skus('named USER')).toEqual(['SEAT']);
    expect(skus('package')).toEqual(['ONBOARD']);
    expect(skus('nothing')).toEqual([]);
  });
});
