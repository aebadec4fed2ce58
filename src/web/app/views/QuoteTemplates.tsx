import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, api, formText } from '../lib/api';
import { CURRENCY_CODES, DEFAULT_PRICE_BOOK, STALE_REVISION, editsCatalogue, type QuoteTemplate } from '../lib/catalog';
import { t } from '../lib/i18n';
import { me } from '../lib/session';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { Empty, Loading, Page, Problem, TextField } from '../components/common';

const templatePath = (name: string) => `/api/quote-templates/${encodeURIComponent(name)}`;
/** "30 days" / "30天": the durations' plural words. */
const DAYS = 'durations.day';

/** What the form says a template holds: the body of PUT (and, with `name`, of POST). */
function contentOf(form: FormData) {
  const days = formText(form, 'validForDays').trim();
  const optional = (name: string) => formText(form, name).trim() || null;
  return {
    seller: { name: formText(form, 'sellerName'), address: optional('sellerAddress'), taxId: optional('sellerTaxId') },
    paymentTerms: formText(form, 'paymentTerms').trim(),
    // Blank: the rules' quotes.validFor applies. Anything else goes as a number for the API to judge.
    validForDays: days === '' ? null : Number(days),
    currency: formText(form, 'currency'),
    priceBook: formText(form, 'priceBook').trim(),
    notes: optional('notes'),
  };
}

/** A multi-line field with the API's message for it beside it. */
function TextArea(props: { label: string; name: string; error: string | undefined; value: string; max: number }) {
  return (
    <label class="wide">
      {props.label}
      <textarea
        name={props.name}
        rows={2}
        maxLength={props.max}
        defaultValue={props.value}
        aria-invalid={props.error ? true : undefined}
      />
      {props.error && <span class="field-error">{props.error}</span>}
    </label>
  );
}

/** The template as it is now, after someone else's change refused this person's: to compare and re-apply. */
function StaleTemplate({ template }: { template: QuoteTemplate }) {
  const rows: [string, string][] = [
    [t('templates.sellerName'), template.seller.name],
    [t('templates.sellerTaxId'), template.seller.taxId ?? '—'],
    [t('templates.sellerAddress'), template.seller.address ?? '—'],
    [t('templates.paymentTerms'), template.paymentTerms],
    [
      t('templates.validForDays'),
      template.validForDays === null ? t('templates.rulesValidity') : t(DAYS, { count: template.validForDays }),
    ],
    [t('templates.currencyAndBook'), `${template.currency} · ${template.priceBook}`],
    [t('templates.notes'), template.notes ?? '—'],
  ];
  return (
    <div class="error" role="alert" id="template-stale">
      <p>{t('templates.staleTitle', { name: template.name })}</p>
      <p>{t('templates.staleNow')}</p>
      <dl class="stale-values">
        {rows.map(([term, value]) => [<dt key={`${term}:t`}>{term}</dt>, <dd key={`${term}:d`}>{value}</dd>])}
      </dl>
      <p>{t('templates.staleReapply')}</p>
    </div>
  );
}

/**
 * Creating a template (`template` null) or replacing one's content; the name is its key, set once.
 * A replacement names the revision it started from; when someone else saved in between, the API
 * refuses it, and the form shows their version and keeps this person's content to save again.
 */
function TemplateForm({
  template,
  done,
  cancel,
  stale,
}: {
  template: QuoteTemplate | null;
  done: (saved: QuoteTemplate) => void;
  cancel: () => void;
  /** Someone else changed the template meanwhile: read the list again. */
  stale: () => void;
}) {
  const [theirs, setTheirs] = useState<QuoteTemplate | null>(null);
  useEffect(() => setTheirs(null), [template?.name]);
  const { error, busy, onSubmit } = useSubmit<QuoteTemplate>(
    async (form) => {
      if (!template)
        return api<QuoteTemplate>('/api/quote-templates', {
          method: 'POST',
          body: { name: formText(form, 'name').trim(), ...contentOf(form) },
        });
      try {
        const saved = await api<QuoteTemplate>(templatePath(template.name), {
          method: 'PUT',
          body: { ...contentOf(form), revision: (theirs ?? template).revision },
        });
        setTheirs(null);
        return saved;
      } catch (refusal) {
        if (refusal instanceof ApiError && refusal.code === STALE_REVISION) {
          setTheirs(await api<QuoteTemplate>(templatePath(template.name)));
          stale();
        }
        throw refusal;
      }
    },
    { done, keep: template !== null },
  );
  // Paths are matched whole: the template's `name` is not its seller's `seller.name`.
  const at = (path: string) => error?.fields.find((field) => field.path === path)?.message;
  const form = useRef<HTMLFormElement>(null);
  useEffect(() => {
    if (template) form.current?.querySelector<HTMLInputElement>('input[name=sellerName]')?.focus();
  }, [template?.name]);
  const currencyError = at('currency');
  const daysError = at('validForDays');
  return (
    <form
      key={template?.name ?? 'new'}
      ref={form}
      class="grid-form"
      id="template-form"
      aria-labelledby="template-form-title"
      onSubmit={onSubmit}
      noValidate
    >
      <h3 id="template-form-title">
        {template ? t('templates.editTitle', { name: template.name }) : t('templates.newTitle')}
      </h3>
      {!template && <TextField label={t('templates.name')} error={at('name')} name="name" required maxLength={63} />}
      <TextField
        label={t('templates.sellerName')}
        error={at('seller.name')}
        name="sellerName"
        required
        maxLength={200}
        defaultValue={template?.seller.name ?? ''}
      />
      <TextField
        label={t('templates.sellerTaxId')}
        error={at('seller.taxId')}
        name="sellerTaxId"
        maxLength={64}
        defaultValue={template?.seller.taxId ?? ''}
      />
      <TextField
        label={t('templates.paymentTerms')}
        error={at('paymentTerms')}
        name="paymentTerms"
        required
        maxLength={40}
        defaultValue={template?.paymentTerms ?? 'net-30'}
      />
      <label>
        {t('templates.validForDays')} <span class="subtle">{t('templates.validForHint')}</span>
        <input
          name="validForDays"
          type="number"
          min={1}
          max={365}
          defaultValue={template?.validForDays === null || !template ? '' : String(template.validForDays)}
          aria-invalid={daysError ? true : undefined}
        />
        {daysError && <span class="field-error">{daysError}</span>}
      </label>
      <label>
        {t('templates.currency')}
        <select name="currency" aria-invalid={currencyError ? true : undefined}>
          {CURRENCY_CODES.map((code) => (
            <option key={code} value={code} selected={code === (template?.currency ?? 'USD')}>
              {code}
            </option>
          ))}
        </select>
        {currencyError && <span class="field-error">{currencyError}</span>}
      </label>
      <TextField
        label={t('templates.priceBook')}
        error={at('priceBook')}
        name="priceBook"
        required
        maxLength={63}
        defaultValue={template?.priceBook ?? DEFAULT_PRICE_BOOK}
      />
      <TextArea
        label={t('templates.sellerAddress')}
        name="sellerAddress"
        error={at('seller.address')}
        value={template?.seller.address ?? ''}
        max={1000}
      />
      <TextArea
        label={t('templates.notes')}
        name="notes"
        error={at('notes')}
        value={template?.notes ?? ''}
        max={4000}
      />
      <div class="actions wide">
        <button type="submit" disabled={busy}>
          {template ? t('templates.save') : t('templates.create')}
        </button>
        {template && (
          <button type="button" class="subtle" onClick={cancel}>
            {t('templates.newInstead')}
          </button>
        )}
      </div>
      {theirs && error?.code === STALE_REVISION ? <StaleTemplate template={theirs} /> : <Problem error={error} />}
    </form>
  );
}

/** The quote templates a new quote starts from; RevOps create them and replace their content. */
export function QuoteTemplates() {
  const [editing, setEditing] = useState<QuoteTemplate | null>(null);
  const [announcement, setAnnouncement] = useState('');
  const { data, error, reload } = useApi<{ templates: QuoteTemplate[] }>('/api/quote-templates');
  const edits = editsCatalogue(me.value);
  return (
    <Page title={t('templates.title')}>
      <p class="lede">{edits ? t('templates.intro') : t('templates.introReadOnly')}</p>
      <p role="status" class="ok">
        {announcement}
      </p>
      <Problem error={error} />
      {!data && !error ? (
        <Loading />
      ) : data && data.templates.length === 0 ? (
        <Empty>{t('templates.none')}</Empty>
      ) : (
        data && (
          <table class="list" id="template-list">
            <caption class="visually-hidden">{t('templates.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('templates.name')}</th>
                <th scope="col">{t('templates.seller')}</th>
                <th scope="col">{t('templates.currencyAndBook')}</th>
                <th scope="col">{t('templates.paymentTerms')}</th>
                <th scope="col">{t('templates.validForDays')}</th>
                <th scope="col">{t('templates.notes')}</th>
                {edits && (
                  <th scope="col">
                    <span class="visually-hidden">{t('app.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.templates.map((template) => (
                <tr key={template.name}>
                  <td>
                    <code>{template.name}</code>
                  </td>
                  <td>
                    {template.seller.name}
                    {template.seller.taxId && <div class="subtle">{template.seller.taxId}</div>}
                    {template.seller.address && <div class="subtle">{template.seller.address}</div>}
                  </td>
                  <td>
                    {template.currency} <span class="subtle">· {template.priceBook}</span>
                  </td>
                  <td>{template.paymentTerms}</td>
                  <td>
                    {template.validForDays === null
                      ? t('templates.rulesValidity')
                      : t(DAYS, { count: template.validForDays })}
                  </td>
                  <td>{template.notes ?? '—'}</td>
                  {edits && (
                    <td>
                      <button
                        type="button"
                        class="subtle"
                        onClick={() => setEditing(template)}
                        aria-label={t('templates.editTitle', { name: template.name })}
                      >
                        {t('templates.edit')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {edits && (
        <section
          class="card editor"
          aria-label={editing ? t('templates.editTitle', { name: editing.name }) : t('templates.newTitle')}
        >
          <TemplateForm
            template={editing}
            cancel={() => setEditing(null)}
            stale={reload}
            done={(saved) => {
              setAnnouncement(t(editing ? 'templates.saved' : 'templates.created', { name: saved.name }));
              setEditing(null);
              reload();
            }}
          />
        </section>
      )}
    </Page>
  );
}
