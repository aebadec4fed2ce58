import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, apiWithRevision, formText } from '../lib/api';
import { BILLINGS, CURRENCY_CODES, DEFAULT_PRICE_BOOK, STALE_REVISION, type Price, type Product } from '../lib/catalog';
import { formatMoney, label, t } from '../lib/i18n';
import { useSubmit } from '../lib/use-submit';
import { Problem, TextField } from './common';

/** `/api/products/PLAT-ENT-1Y`: a product's address in the API. */
export const productPath = (sku: string) => `/api/products/${encodeURIComponent(sku)}`;

/** The product as it is now, after someone else's change refused this person's: to compare and re-apply. */
function StaleProduct({ product }: { product: Product }) {
  return (
    <div class="error" role="alert" id="product-stale">
      <p>{t('catalogue.staleTitle', { sku: product.sku })}</p>
      <p>{t('catalogue.staleNow')}</p>
      <dl class="stale-values">
        <dt>{t('catalogue.name')}</dt>
        <dd>{product.name}</dd>
        <dt>{t('catalogue.billing')}</dt>
        <dd>{label('billings', product.billing)}</dd>
        <dt>{t('catalogue.description')}</dt>
        <dd>{product.description ?? '—'}</dd>
        <dt>{t('catalogue.status')}</dt>
        <dd>{product.active ? t('catalogue.active') : t('catalogue.inactive')}</dd>
      </dl>
      <p>{t('catalogue.staleReapply')}</p>
    </div>
  );
}

/**
 * Creating a product (`product` null) or editing one: name, description and billing; the SKU is
 * its key, so it is set once. The API's refusals are shown beside their fields. An edit names the
 * revision it started from; when someone else saved in between, the API refuses it, and the form
 * shows their version and keeps this person's changes, so saving again applies them to it.
 */
export function ProductForm({
  product,
  done,
  cancel,
  stale,
}: {
  product: Product | null;
  done: (saved: Product) => void;
  cancel: () => void;
  /** Someone else changed the product meanwhile: read the list again. */
  stale: () => void;
}) {
  // Someone else's version, read after the API refused this person's edit as stale.
  const [theirs, setTheirs] = useState<Product | null>(null);
  useEffect(() => setTheirs(null), [product?.sku]);
  const { error, fieldError, busy, onSubmit } = useSubmit<Product>(
    async (form) => {
      const fields = {
        name: formText(form, 'name'),
        description: formText(form, 'description').trim() || null,
        billing: formText(form, 'billing'),
      };
      if (!product)
        return api<Product>('/api/products', {
          method: 'POST',
          body: { sku: formText(form, 'sku').trim(), ...fields },
        });
      try {
        const saved = await api<Product>(productPath(product.sku), {
          method: 'PATCH',
          body: { ...fields, revision: (theirs ?? product).revision },
        });
        setTheirs(null);
        return saved;
      } catch (refusal) {
        if (refusal instanceof ApiError && refusal.code === STALE_REVISION) {
          setTheirs(await api<Product>(productPath(product.sku)));
          stale();
        }
        throw refusal;
      }
    },
    { done, keep: product !== null },
  );
  const form = useRef<HTMLFormElement>(null);
  // "Edit" on a row brings the person to the form, ready to change the name.
  useEffect(() => {
    if (product) form.current?.querySelector<HTMLInputElement>('input[name=name]')?.focus();
  }, [product?.sku]);
  const descriptionError = fieldError('description');
  const billingError = fieldError('billing');
  const title = product ? t('catalogue.editTitle', { sku: product.sku }) : t('catalogue.newTitle');
  return (
    <form
      key={product?.sku ?? 'new'}
      ref={form}
      class="grid-form"
      id="product-form"
      aria-labelledby="product-form-title"
      onSubmit={onSubmit}
      noValidate
    >
      <h3 id="product-form-title">{title}</h3>
      {!product && (
        <TextField label={t('catalogue.sku')} error={fieldError('sku')} name="sku" required maxLength={64} />
      )}
      <TextField
        label={t('catalogue.name')}
        error={fieldError('name')}
        name="name"
        required
        maxLength={200}
        defaultValue={product?.name ?? ''}
      />
      <label>
        {t('catalogue.billing')}
        <select name="billing" aria-invalid={billingError ? true : undefined}>
          {BILLINGS.map((billing) => (
            <option key={billing} value={billing} selected={billing === (product?.billing ?? 'yearly')}>
              {label('billings', billing)}
            </option>
          ))}
        </select>
        {billingError && <span class="field-error">{billingError}</span>}
      </label>
      <label class="wide">
        {t('catalogue.description')}
        <textarea
          name="description"
          rows={2}
          maxLength={4000}
          defaultValue={product?.description ?? ''}
          aria-invalid={descriptionError ? true : undefined}
        />
        {descriptionError && <span class="field-error">{descriptionError}</span>}
      </label>
      <div class="actions wide">
        <button type="submit" disabled={busy}>
          {product ? t('catalogue.save') : t('catalogue.create')}
        </button>
        {product && (
          <button type="button" class="subtle" onClick={cancel}>
            {t('catalogue.newInstead')}
          </button>
        )}
      </div>
      {theirs && error?.code === STALE_REVISION ? <StaleProduct product={theirs} /> : <Problem error={error} />}
    </form>
  );
}

/** A product's prices, each with Remove, and setting one (a new price book or currency, or a new amount). */
export function PriceForm({
  product,
  done,
  stale,
  revised,
}: {
  product: Product;
  done: (message: string) => void;
  /** Someone else changed the product meanwhile: read it again. */
  stale: () => void;
  /** The product's revision after this form's own change (the answer's ETag), before the list is read again. */
  revised: (sku: string, revision: number) => void;
}) {
  // A price is part of the product: setting or removing one names the product's revision.
  const whenStale = (refusal: unknown) => {
    if (refusal instanceof ApiError && refusal.code === STALE_REVISION) stale();
    throw refusal;
  };
  // Its own change moves the product's revision: kept at once, so a second save right after is not stale.
  const keep = <T,>({ body, revision }: { body: T; revision: number | null }) => {
    if (revision !== null) revised(product.sku, revision);
    return body;
  };
  const { error, fieldError, busy, onSubmit } = useSubmit<Price>(
    (form) =>
      apiWithRevision<Price>(
        `${productPath(product.sku)}/prices/${encodeURIComponent(formText(form, 'priceBook').trim())}/${formText(form, 'currency')}`,
        { method: 'PUT', body: { unitPrice: formText(form, 'unitPrice').trim(), revision: product.revision } },
      )
        .then(keep)
        .catch(whenStale),
    {
      done: (price) =>
        done(
          t('catalogue.priceSet', {
            sku: product.sku,
            price: formatMoney(price.unitPriceMinor, price.currency),
            priceBook: price.priceBook,
          }),
        ),
    },
  );
  const removal = useSubmit<null>(null);
  const remove = (price: Price) =>
    void removal.run(async () => {
      await apiWithRevision(
        `${productPath(product.sku)}/prices/${encodeURIComponent(price.priceBook)}/${price.currency}`,
        { method: 'DELETE', headers: { 'if-match': `"${product.revision}"` } },
      )
        .then(keep)
        .catch(whenStale);
      done(t('catalogue.priceRemoved', { sku: product.sku, currency: price.currency, priceBook: price.priceBook }));
      return null;
    });
  const currencyError = fieldError('currency');
  return (
    <section aria-labelledby="prices-title">
      <h3 id="prices-title">{t('catalogue.pricesOf', { sku: product.sku })}</h3>
      {product.prices.length === 0 ? (
        <p class="empty">{t('catalogue.noPrices')}</p>
      ) : (
        <ul class="prices">
          {product.prices.map((price) => (
            <li key={`${price.priceBook}:${price.currency}`}>
              {formatMoney(price.unitPriceMinor, price.currency)}{' '}
              <span class="subtle">
                {price.currency} · {price.priceBook}
              </span>{' '}
              <button
                type="button"
                class="subtle"
                disabled={removal.busy}
                onClick={() => remove(price)}
                aria-label={t('catalogue.removePrice', { currency: price.currency, priceBook: price.priceBook })}
              >
                {t('catalogue.remove')}
              </button>
            </li>
          ))}
        </ul>
      )}
      <PriceProblem error={removal.error} sku={product.sku} />
      <form class="grid-form" id="price-form" aria-label={t('catalogue.setPrice')} onSubmit={onSubmit} noValidate>
        <TextField
          label={t('catalogue.priceBook')}
          error={fieldError('priceBook')}
          name="priceBook"
          required
          maxLength={63}
          defaultValue={DEFAULT_PRICE_BOOK}
        />
        <label>
          {t('catalogue.currency')}
          <select name="currency" aria-invalid={currencyError ? true : undefined}>
            {CURRENCY_CODES.map((code) => (
              <option key={code} value={code}>
                {code}
              </option>
            ))}
          </select>
          {currencyError && <span class="field-error">{currencyError}</span>}
        </label>
        <label>
          {t('catalogue.unitPrice')} <span class="subtle">{t('catalogue.unitPriceHint')}</span>
          <input
            name="unitPrice"
            inputMode="decimal"
            required
            aria-invalid={fieldError('unitPrice') ? true : undefined}
          />
          {fieldError('unitPrice') && <span class="field-error">{fieldError('unitPrice')}</span>}
        </label>
        <div class="actions wide">
          <button type="submit" disabled={busy}>
            {t('catalogue.setPrice')}
          </button>
        </div>
        <PriceProblem error={error} sku={product.sku} />
      </form>
    </section>
  );
}

/** A price's refusal; a stale one says that the prices shown are now the current ones. */
function PriceProblem({ error, sku }: { error: ApiError | null; sku: string }) {
  if (error?.code !== STALE_REVISION) return <Problem error={error} />;
  return (
    <div class="error" role="alert">
      <p>{t('catalogue.stalePrice', { sku })}</p>
    </div>
  );
}
