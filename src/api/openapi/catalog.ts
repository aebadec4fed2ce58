import {
  CatalogQuerySchema,
  PriceParamsSchema,
  PriceSchema,
  ProductCreateSchema,
  ProductListQuerySchema,
  ProductPatchSchema,
  QuoteTemplatePutSchema,
  SkuParamsSchema,
  TemplateParamsSchema,
} from '../routes/catalog';
import { QuoteTemplateInputSchema } from '../../usecases/quote-templates';
import {
  body,
  described,
  errorResponse,
  errors,
  ifMatchParam,
  pathParam,
  queryParams,
  revisionRefusals,
} from './common';
import { needsToken, unauthenticated } from './people';

const tags = ['catalog'];
const skuParam = pathParam('sku', SkuParamsSchema.shape.sku, "The product's SKU.");
const priceParams = [
  skuParam,
  pathParam('priceBook', PriceParamsSchema.shape.priceBook, 'The price book, e.g. `standard`.'),
  pathParam('currency', PriceParamsSchema.shape.currency, 'ISO 4217 code, e.g. `USD`.'),
];
const templateParam = pathParam('name', TemplateParamsSchema.shape.name, "The template's name.");
const revopsOnly = {
  '403': errorResponse('Only revops changes the catalogue, price books and quote templates (`forbidden`).'),
};
const priceView =
  '`{ priceBook, currency, unitPriceMinor, unitPriceFormatted }` (minor units: 120000 USD is $1,200.00)';
const productView = `\`{ id, sku, name, description, billing, active, prices, revision, createdAt, updatedAt }\`, each price ${priceView}; \`revision\` (also the \`ETag\`) is what a change to the product or its prices names`;
const templateView =
  '`{ id, name, seller: { name, address, taxId }, paymentTerms, validForDays, currency, priceBook, notes, revision, createdAt, updatedAt }`; `validForDays: null` means approvals.yaml `quotes.validFor` applies; `revision` (also the `ETag`) is what a replacement or deletion names';
const noProduct = ['404', 'No product with this SKU (`not_found`).'] as const;
const noTemplate = ['404', 'No quote template with this name (`not_found`).'] as const;
const staleProduct = {
  '409': errorResponse(
    'Someone changed the product or its prices since that revision (`stale_revision`); the message and `fields[0]` name the current revision.',
  ),
};
const staleTemplate = {
  '409': errorResponse(
    'Someone changed the template since that revision (`stale_revision`); the message and `fields[0]` name the current revision.',
  ),
};

export const catalogPaths = {
  '/api/catalog': {
    get: {
      operationId: 'getCatalog',
      tags,
      summary: 'Active products with their prices in a price book (default `standard`), optionally in one currency',
      ...needsToken,
      parameters: queryParams(CatalogQuerySchema),
      responses: {
        '200': described(
          `\`{ priceBook, currency, products: [{ sku, name, description, prices }] }\`, each price ${priceView}.`,
        ),
        ...errors('400'),
        ...unauthenticated,
      },
    },
  },
  '/api/products': {
    post: {
      operationId: 'createProduct',
      tags,
      summary: 'Add a product to the catalogue',
      ...needsToken,
      requestBody: body(ProductCreateSchema),
      responses: {
        '201': described(productView),
        ...errors('400', ['409', 'A product with this SKU exists (`conflict`).'], '413'),
        ...unauthenticated,
        ...revopsOnly,
      },
    },
    get: {
      operationId: 'listProducts',
      tags,
      summary: 'Every product (or only active/inactive ones) with all its prices',
      ...needsToken,
      parameters: queryParams(ProductListQuerySchema),
      responses: { '200': described(`\`{ products }\`, each ${productView}.`), ...errors('400'), ...unauthenticated },
    },
  },
  '/api/products/{sku}': {
    get: {
      operationId: 'getProduct',
      tags,
      summary: 'One product with its prices',
      ...needsToken,
      parameters: [skuParam],
      responses: { '200': described(productView), ...errors('400', [...noProduct]), ...unauthenticated },
    },
    patch: {
      operationId: 'updateProduct',
      tags,
      summary:
        "Change a product's name, description, billing or active flag, naming the revision you read (If-Match or `revision`)",
      ...needsToken,
      parameters: [skuParam, ifMatchParam],
      requestBody: body(ProductPatchSchema),
      responses: {
        '200': described(`Saved; the revision went up by one. ${productView}`),
        ...errors('400', [...noProduct], '413'),
        ...revisionRefusals,
        '422': errorResponse(
          'If-Match and `revision` name different revisions, or the body names no field to change besides `revision` (`unprocessable`).',
        ),
        ...staleProduct,
        ...unauthenticated,
        ...revopsOnly,
      },
    },
    delete: {
      operationId: 'removeProduct',
      tags,
      summary:
        'Delete a product that no price book lists, naming the revision you read (If-Match); deactivate a priced one with PATCH instead',
      ...needsToken,
      parameters: [skuParam, ifMatchParam],
      responses: {
        '204': { description: 'Deleted (no price book listed it).' },
        ...errors(
          '400',
          [...noProduct],
          [
            '409',
            'A price book lists the product (`conflict`; the message names the price books): it stays for the quotes that name it. Deactivate it with PATCH `{ "active": false }`, or remove its prices first. Or someone changed it since that revision (`stale_revision`; `fields[0]` names the current one).',
          ],
        ),
        ...revisionRefusals,
        ...unauthenticated,
        ...revopsOnly,
      },
    },
  },
  '/api/products/{sku}/prices/{priceBook}/{currency}': {
    put: {
      operationId: 'setPrice',
      tags,
      summary:
        'Set the product\'s unit price in a price book and currency, as decimal text ("1200.00"), naming the product revision you read (If-Match or `revision`)',
      ...needsToken,
      parameters: [...priceParams, ifMatchParam],
      requestBody: body(PriceSchema),
      responses: {
        '201': described(`A new price book entry: ${priceView}. The \`ETag\` is the product's new revision.`),
        '200': described(`The entry's price changed: ${priceView}. The \`ETag\` is the product's new revision.`),
        ...errors(
          ['400', 'Invalid input (`validation_failed`): an unknown currency, or a price that is not decimal text.'],
          [...noProduct],
          '413',
        ),
        '422': errorResponse(
          'The price has more decimals than the currency, "12.345" USD or "1.5" JPY, or If-Match and `revision` name different revisions (`unprocessable`).',
        ),
        '428': revisionRefusals['428'],
        ...staleProduct,
        ...unauthenticated,
        ...revopsOnly,
      },
    },
    delete: {
      operationId: 'removePrice',
      tags,
      summary: 'Remove the product from a price book in one currency, naming the product revision you read (If-Match)',
      ...needsToken,
      parameters: [...priceParams, ifMatchParam],
      responses: {
        '204': { description: "Removed; the `ETag` is the product's new revision." },
        ...errors('400', ['404', 'No such product, or it has no price there (`not_found`).']),
        ...revisionRefusals,
        ...staleProduct,
        ...unauthenticated,
        ...revopsOnly,
      },
    },
  },
  '/api/quote-templates': {
    post: {
      operationId: 'createQuoteTemplate',
      tags,
      summary: 'Add a quote template: seller details, payment terms, validity, currency, price book, notes',
      ...needsToken,
      requestBody: body(QuoteTemplateInputSchema),
      responses: {
        '201': described(templateView),
        ...errors('400', ['409', 'A template with this name exists (`conflict`).'], '413'),
        ...unauthenticated,
        ...revopsOnly,
      },
    },
    get: {
      operationId: 'listQuoteTemplates',
      tags,
      summary: 'Every quote template, by name',
      ...needsToken,
      responses: { '200': described(`\`{ templates }\`, each ${templateView}.`), ...unauthenticated },
    },
  },
  '/api/quote-templates/{name}': {
    get: {
      operationId: 'getQuoteTemplate',
      tags,
      summary: 'One quote template',
      ...needsToken,
      parameters: [templateParam],
      responses: { '200': described(templateView), ...errors('400', [...noTemplate]), ...unauthenticated },
    },
    put: {
      operationId: 'replaceQuoteTemplate',
      tags,
      summary: "Replace a quote template's content, naming the revision you read (If-Match or `revision`)",
      ...needsToken,
      parameters: [templateParam, ifMatchParam],
      requestBody: body(QuoteTemplatePutSchema),
      responses: {
        '200': described(`Saved; the revision went up by one. ${templateView}`),
        ...errors('400', [...noTemplate], '413'),
        ...revisionRefusals,
        ...staleTemplate,
        ...unauthenticated,
        ...revopsOnly,
      },
    },
    delete: {
      operationId: 'deleteQuoteTemplate',
      tags,
      summary:
        'Delete a quote template, naming the revision you read (If-Match); quotes built from it keep their content',
      ...needsToken,
      parameters: [templateParam, ifMatchParam],
      responses: {
        '204': { description: 'Deleted.' },
        ...errors('400', [...noTemplate]),
        ...revisionRefusals,
        ...staleTemplate,
        ...unauthenticated,
        ...revopsOnly,
      },
    },
  },
};
