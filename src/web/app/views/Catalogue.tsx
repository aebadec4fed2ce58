import { useState } from 'preact/hooks';
import { ApiError, api, query } from '../lib/api';
import { STALE_REVISION, editsCatalogue, matchingProducts, type Product } from '../lib/catalog';
import { formatMoney, label, t } from '../lib/i18n';
import { me } from '../lib/session';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { Empty, Loading, Page, Problem } from '../components/common';
import { PriceForm, ProductForm, productPath } from '../components/ProductForms';

/** One product's row: its prices, whether it is sold, and (for editors) Edit and (de)activate. */
function ProductRow({
  product,
  edits,
  edit,
  toggle,
  busy,
}: {
  product: Product;
  edits: boolean;
  edit: () => void;
  toggle: () => void;
  busy: boolean;
}) {
  return (
    <tr>
      <td>
        <code>{product.sku}</code>
      </td>
      <td>
        {product.name}
        {product.description && <div class="subtle">{product.description}</div>}
      </td>
      <td>{label('billings', product.billing)}</td>
      <td>
        {product.prices.length === 0
          ? '—'
          : product.prices.map((price) => (
              <div key={`${price.priceBook}:${price.currency}`}>
                {formatMoney(price.unitPriceMinor, price.currency)}{' '}
                <span class="subtle">
                  {price.currency} · {price.priceBook}
                </span>
              </div>
            ))}
      </td>
      <td>
        <span class={`badge ${product.active ? 'active' : 'inactive'}`}>
          {product.active ? t('catalogue.active') : t('catalogue.inactive')}
        </span>
      </td>
      {edits && (
        <td>
          <button
            type="button"
            class="subtle"
            onClick={edit}
            aria-label={t('catalogue.editTitle', { sku: product.sku })}
          >
            {t('catalogue.edit')}
          </button>{' '}
          <button
            type="button"
            class="subtle"
            disabled={busy}
            onClick={toggle}
            aria-label={t(product.active ? 'catalogue.deactivateOne' : 'catalogue.reactivateOne', { sku: product.sku })}
          >
            {product.active ? t('catalogue.deactivate') : t('catalogue.reactivate')}
          </button>
        </td>
      )}
    </tr>
  );
}

/**
 * The product catalogue: every product (active or not) with its prices, searched by SKU, name or
 * description and filtered by status. RevOps create and edit products, set their prices, and
 * deactivate or reactivate them (a product quotes name is never deleted: PATCH `active`).
 */
export function Catalogue() {
  const [search, setSearch] = useState('');
  const [status, setStatus] = useState('');
  const [editing, setEditing] = useState<Product | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const { data: listed, error, reload } = useApi<{ products: Product[] }>(`/api/products${query({ active: status })}`);
  // Revisions this page's own price changes produced, until the list catches up (never an older one).
  const [revisions, setRevisions] = useState<Record<string, number>>({});
  const known = (p: Product): Product =>
    (revisions[p.sku] ?? 0) > p.revision ? { ...p, revision: revisions[p.sku]! } : p;
  const data = listed && { products: listed.products.map(known) };
  const revised = (sku: string, revision: number) =>
    setRevisions((known) => ({ ...known, [sku]: Math.max(known[sku] ?? 0, revision) }));
  const edits = editsCatalogue(me.value);
  const toggling = useSubmit<Product>(null);
  const [toggled, setToggled] = useState('');
  const say = (message: string) => {
    setAnnouncement(message);
    reload();
  };
  const toggle = (product: Product) =>
    void toggling.run(async () => {
      setToggled(product.sku);
      const saved = await api<Product>(productPath(product.sku), {
        method: 'PATCH',
        body: { active: !product.active, revision: product.revision },
      }).catch((refusal: unknown) => {
        // Someone else changed it since the list was read: show it as it is now, and say so.
        if (refusal instanceof ApiError && refusal.code === STALE_REVISION) reload();
        throw refusal;
      });
      if (editing?.sku === saved.sku) setEditing(saved);
      say(t(saved.active ? 'catalogue.reactivated' : 'catalogue.deactivated', { sku: saved.sku }));
      return saved;
    });
  // The edited product as last listed, so its prices follow a price set or removed.
  const current = editing ? (data?.products.find((p) => p.sku === editing.sku) ?? known(editing)) : null;
  const shown = data ? matchingProducts(data.products, search) : [];
  return (
    <Page title={t('catalogue.title')}>
      <p class="lede">{edits ? t('catalogue.intro') : t('catalogue.introReadOnly')}</p>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('catalogue.search')}
          <input
            id="product-search"
            type="search"
            value={search}
            placeholder={t('catalogue.searchHint')}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('catalogue.status')}
          <select id="product-status" value={status} onChange={(event) => setStatus(event.currentTarget.value)}>
            <option value="">{t('catalogue.anyStatus')}</option>
            <option value="true">{t('catalogue.active')}</option>
            <option value="false">{t('catalogue.inactive')}</option>
          </select>
        </label>
      </form>
      <p role="status" class="ok">
        {announcement}
      </p>
      <Problem error={error ?? (toggling.error?.code === STALE_REVISION ? null : toggling.error)} />
      {toggling.error?.code === STALE_REVISION && (
        <div class="error" role="alert">
          <p>{t('catalogue.staleRow', { sku: toggled })}</p>
        </div>
      )}
      {!data && !error ? (
        <Loading />
      ) : data && shown.length === 0 ? (
        <Empty>{data.products.length === 0 ? t('catalogue.none') : t('catalogue.noMatch')}</Empty>
      ) : (
        data && (
          <table class="list" id="product-list">
            <caption class="visually-hidden">{t('catalogue.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('catalogue.sku')}</th>
                <th scope="col">{t('catalogue.name')}</th>
                <th scope="col">{t('catalogue.billing')}</th>
                <th scope="col">{t('catalogue.prices')}</th>
                <th scope="col">{t('catalogue.status')}</th>
                {edits && (
                  <th scope="col">
                    <span class="visually-hidden">{t('app.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {shown.map((product) => (
                <ProductRow
                  key={product.sku}
                  product={product}
                  edits={edits}
                  busy={toggling.busy}
                  edit={() => setEditing(product)}
                  toggle={() => toggle(product)}
                />
              ))}
            </tbody>
          </table>
        )
      )}
      {edits && (
        <section
          class="card editor"
          aria-label={current ? t('catalogue.editTitle', { sku: current.sku }) : t('catalogue.newTitle')}
        >
          <ProductForm
            product={current}
            cancel={() => setEditing(null)}
            stale={reload}
            done={(saved) => {
              setEditing(saved);
              say(t(current ? 'catalogue.saved' : 'catalogue.created', { sku: saved.sku }));
            }}
          />
          {current && <PriceForm product={current} done={say} stale={reload} revised={revised} />}
        </section>
      )}
    </Page>
  );
}
