/**
 * The deal desk's product catalogue and quote templates as the workspace shows them
 * (GET /api/products, GET /api/quote-templates), and who may change them. No DOM here: the unit
 * test checks these tables against the API's own.
 */

/** The API's CURRENCY_CODES (src/domain/money.ts), in its order. */
export const CURRENCY_CODES = [
  'USD',
  'EUR',
  'GBP',
  'CAD',
  'AUD',
  'NZD',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'SGD',
  'HKD',
  'CNY',
  'INR',
  'MXN',
  'BRL',
  'ZAR',
  'ILS',
  'AED',
  'JPY',
  'KRW',
  'ISK',
  'CLP',
  'VND',
  'BHD',
  'KWD',
  'OMR',
  'JOD',
  'TND',
];

/** The API's LINE_BILLINGS (src/domain/quote.ts). */
export const BILLINGS = ['yearly', 'one-time'];

/** The price book a new price or template starts in (the API's DEFAULT_PRICE_BOOK). */
export const DEFAULT_PRICE_BOOK = 'standard';

/** The roles whose tokens change the catalogue and templates (the access policy's `admin(…)`, with the `admin` scope). */
export const CATALOGUE_EDITORS = ['revops'];

/** The signed-in person, as far as this rule reads `/api/me`. */
export interface Caller {
  role: string;
  scopes: string[];
}

/** Who may create, edit and (de)activate products and templates; everyone else signed in reads them. */
export function editsCatalogue(caller: Caller | null): boolean {
  return caller !== null && CATALOGUE_EDITORS.includes(caller.role) && caller.scopes.includes('admin');
}

/** A product's price in one price book and currency. */
export interface Price {
  priceBook: string;
  currency: string;
  unitPriceMinor: number;
}

/** A product, as GET /api/products lists it. */
export interface Product {
  id: string;
  sku: string;
  name: string;
  description: string | null;
  billing: string;
  active: boolean;
  prices: Price[];
  /** What a change names (the API refuses one made from an older revision: `stale_revision`). */
  revision: number;
  updatedAt: string;
}

/** A quote template, as GET /api/quote-templates lists it. */
export interface QuoteTemplate {
  id: string;
  name: string;
  seller: { name: string; address: string | null; taxId: string | null };
  paymentTerms: string;
  validForDays: number | null;
  currency: string;
  priceBook: string;
  notes: string | null;
  /** What a replacement names (the API refuses one made from an older revision: `stale_revision`). */
  revision: number;
  updatedAt: string;
}

/** Products whose SKU, name or description holds `text` (any case); all when it is blank. */
export function matchingProducts(products: readonly Product[], text: string): Product[] {
  const wanted = text.trim().toLowerCase();
  if (!wanted) return [...products];
  return products.filter((product) =>
    [product.sku, product.name, product.description ?? ''].some((field) => field.toLowerCase().includes(wanted)),
  );
}

/** The API's refusal of a change made from an older revision: someone else changed the record meanwhile. */
export const STALE_REVISION = 'stale_revision';
