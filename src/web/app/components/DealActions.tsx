import { useState } from 'preact/hooks';
import { api, formText } from '../lib/api';
import { label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { Problem } from './common';
import { instant } from './Meetings';

const ACTIVITY_KINDS = ['call', 'email', 'meeting', 'demo', 'note'];
const MEETING_KINDS = ['meeting', 'demo', 'presentation'];

/** Logging a call, an email, a meeting, a demo or a note on the deal (it joins the timeline). */
export function LogActivity({ dealId, done }: { dealId: string; done: () => void }) {
  const { error, ok, busy, onSubmit } = useSubmit(
    (form) =>
      api(`/api/deals/${dealId}/activities`, {
        method: 'POST',
        body: {
          kind: formText(form, 'kind'),
          summary: formText(form, 'summary').trim(),
          ...(formText(form, 'outcome').trim() ? { outcome: formText(form, 'outcome').trim() } : {}),
        },
      }),
    { done },
  );
  return (
    <form class="grid-form" id="log-activity" aria-label={t('actions.logActivity')} onSubmit={onSubmit}>
      <label>
        {t('actions.kind')}
        <select name="kind">
          {ACTIVITY_KINDS.map((k) => (
            <option key={k} value={k}>
              {label('activityKinds', k)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('actions.summary')}
        <input name="summary" required maxLength={2000} />
      </label>
      <label>
        {t('actions.outcome')}
        <input name="outcome" maxLength={2000} />
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('actions.logActivity')}
        </button>
        {ok && (
          <span role="status" class="ok">
            {t('actions.logged')}
          </span>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}

/** Scheduling a meeting with the deal's stakeholders: they get a calendar invitation by email. */
export function ScheduleMeeting({
  dealId,
  people,
  done,
}: {
  dealId: string;
  people: { id: string; name: string; email: string | null }[];
  done: () => void;
}) {
  const { error, busy, onSubmit } = useSubmit(
    (form) => {
      const invited = people.filter((p) => form.getAll('attendee').includes(p.id));
      return api(`/api/deals/${dealId}/meetings`, {
        method: 'POST',
        body: {
          kind: formText(form, 'kind'),
          title: formText(form, 'title').trim(),
          startsAt: instant(formText(form, 'startsAt')),
          endsAt: instant(formText(form, 'endsAt')),
          attendees: invited.map((p) => ({ name: p.name, contactId: p.id, ...(p.email ? { email: p.email } : {}) })),
        },
      });
    },
    { done },
  );
  return (
    <form class="grid-form" id="schedule-meeting" aria-label={t('actions.schedule')} onSubmit={onSubmit}>
      <label>
        {t('actions.kind')}
        <select name="kind">
          {MEETING_KINDS.map((k) => (
            <option key={k} value={k}>
              {label('meetingKinds', k)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('actions.title')}
        <input name="title" required maxLength={200} />
      </label>
      <label>
        {t('actions.starts')}
        <input name="startsAt" type="datetime-local" required />
      </label>
      <label>
        {t('actions.ends')}
        <input name="endsAt" type="datetime-local" required />
      </label>
      <fieldset>
        <legend>{t('actions.attendees')}</legend>
        {people.map((p) => (
          <label key={p.id} class="check">
            <input type="checkbox" name="attendee" value={p.id} /> {p.name}
            {!p.email && <span class="subtle"> ({t('actions.noEmail')})</span>}
          </label>
        ))}
      </fieldset>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('actions.schedule')}
        </button>
      </div>
      <Problem error={error} />
    </form>
  );
}

interface Product {
  sku: string;
  name: string;
  active: boolean;
  prices: { priceBook: string; currency: string; unitPriceFormatted: string }[];
}

/** A quote from the catalogue: one or more lines with a discount; the rules decide whether it needs approval. */
export function NewQuote({ dealId, company, done }: { dealId: string; company: string; done: () => void }) {
  const { data } = useApi<{ products: Product[] }>('/api/products?active=true');
  const [lines, setLines] = useState([{ sku: '', quantity: 1, discount: '0' }]);
  const products = data?.products ?? [];
  const { error, answer, busy, onSubmit } = useSubmit(
    (form) =>
      api<{ quote: { number: string }; submission: { status: string; tier: string | null } | null }>(
        `/api/deals/${dealId}/quotes`,
        {
          method: 'POST',
          body: {
            customer: {
              company: formText(form, 'company').trim(),
              region: formText(form, 'region').trim(),
              ...(formText(form, 'contactName').trim() ? { contactName: formText(form, 'contactName').trim() } : {}),
            },
            // A line whose product was never chosen is not quoted (the API names a quote with none).
            lines: lines
              .filter((l) => l.sku !== '')
              .map((l) => ({ sku: l.sku, quantity: l.quantity, discount: l.discount || '0' })),
          },
        },
      ),
    { done, keep: true },
  );
  return (
    <form class="stack-form" id="new-quote" aria-label={t('actions.newQuote')} onSubmit={onSubmit}>
      <div class="grid-form">
        <label>
          {t('actions.company')}
          <input name="company" required maxLength={200} defaultValue={company} />
        </label>
        <label>
          {t('actions.contactName')}
          <input name="contactName" maxLength={200} />
        </label>
        <label>
          {t('actions.region')}
          <input name="region" required maxLength={6} placeholder="US-NY" />
        </label>
      </div>
      {lines.map((line, i) => (
        <div class="grid-form" key={i}>
          <label>
            {t('actions.product')}
            <select
              value={line.sku}
              onChange={(e) => setLines(lines.map((l, j) => (j === i ? { ...l, sku: e.currentTarget.value } : l)))}
            >
              <option value="">{t('actions.chooseProduct')}</option>
              {products.map((p) => (
                <option key={p.sku} value={p.sku}>
                  {p.name} ({p.sku})
                </option>
              ))}
            </select>
          </label>
          <label>
            {t('actions.quantity')}
            <input
              type="number"
              min={1}
              value={line.quantity}
              onInput={(e) =>
                setLines(lines.map((l, j) => (j === i ? { ...l, quantity: Number(e.currentTarget.value) } : l)))
              }
            />
          </label>
          <label>
            {t('actions.discount')}
            <input
              value={line.discount}
              inputMode="decimal"
              onInput={(e) => setLines(lines.map((l, j) => (j === i ? { ...l, discount: e.currentTarget.value } : l)))}
            />
          </label>
          {lines.length > 1 && (
            <button
              type="button"
              class="subtle"
              aria-label={t('actions.removeLineN', { n: i + 1 })}
              onClick={() => setLines(lines.filter((_, j) => j !== i))}
            >
              {t('actions.removeLine')}
            </button>
          )}
        </div>
      ))}
      <div class="actions">
        <button
          type="button"
          class="subtle"
          onClick={() => setLines([...lines, { sku: '', quantity: 1, discount: '0' }])}
        >
          {t('actions.addLine')}
        </button>
        <button type="submit" disabled={busy}>
          {t('actions.createQuote')}
        </button>
        {answer && (
          <span role="status" class="ok" id="quote-result">
            {t('actions.quoted', {
              number: answer.quote.number,
              status: label('quoteStatus', answer.submission?.status ?? 'draft'),
            })}
          </span>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}
