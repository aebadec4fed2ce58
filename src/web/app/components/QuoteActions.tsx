import { useState } from 'preact/hooks';
import { api, formText } from '../lib/api';
import { formatDateTime, label, t } from '../lib/i18n';
import { useSubmit } from '../lib/use-submit';
import { Confirm, Problem, TextField } from './common';

export interface Signature {
  /** sent (requested, waiting for the signer) | signed | declined | voided */
  status: string;
  signerName: string;
  signerEmail: string;
  sentAt: string;
  completedAt: string | null;
}

export interface CurrentVersion {
  version: number;
  status: string;
  sentAt?: string | null;
  signature?: Signature | null;
}

/** Where the current version stands with the customer: sent, and its signature request. */
export function QuoteStanding({ number, current }: { number: string; current: CurrentVersion }) {
  const signature = current.signature;
  return (
    <p class="quote-standing" data-quote={number}>
      <span class={`badge quote-${current.status}`}>{label('quoteStatus', current.status)}</span>
      {current.sentAt && <> · {t('quotes.sentOn', { when: formatDateTime(current.sentAt) })}</>}
      {signature && (
        <>
          {' · '}
          <span class={`signature signature-${signature.status}`}>
            {t(`quotes.signature.${signature.status}`, {
              name: signature.signerName,
              email: signature.signerEmail,
              when: formatDateTime(signature.completedAt ?? signature.sentAt),
            })}
          </span>
        </>
      )}
    </p>
  );
}

/**
 * An approved current version can be sent to the customer (after a confirmation: they get it by
 * email) and, approved or sent, go for e-signature; the API's refusals show where the rep acted.
 */
export function QuoteActions({
  quoteId,
  number,
  current,
  changed,
}: {
  quoteId: string;
  number: string;
  current: CurrentVersion;
  changed: () => void;
}) {
  const [confirming, setConfirming] = useState(false);
  const path = `/api/quotes/${quoteId}/versions/${current.version}`;
  const send = useSubmit<{ customerEmail: string }>(null, {
    done: () => {
      setConfirming(false);
      changed();
    },
  });
  const sign = useSubmit(
    (form) =>
      api<{ envelopeId: string }>(`${path}/signature`, {
        method: 'POST',
        body: { signer: { name: formText(form, 'signerName').trim(), email: formText(form, 'signerEmail').trim() } },
      }),
    { done: changed },
  );
  const waiting = current.signature && ['sent', 'signed'].includes(current.signature.status);
  return (
    <div class="quote-actions">
      {current.status === 'approved' && (
        <button type="button" onClick={() => setConfirming(true)}>
          {t('quotes.send', { number })}
        </button>
      )}
      {send.answer && (
        <span role="status" class="ok">
          {t('quotes.sentTo', { email: send.answer.customerEmail })}
        </span>
      )}
      {!confirming && <Problem error={send.error} />}
      {confirming && (
        <Confirm
          title={t('quotes.confirmSend', { number, version: current.version })}
          confirm={t('quotes.sendConfirm')}
          busy={send.busy}
          error={send.error}
          onCancel={() => setConfirming(false)}
          onConfirm={() =>
            void send.run(() => api<{ customerEmail: string }>(`${path}/send`, { method: 'POST', body: {} }))
          }
        >
          <p>{t('quotes.sendExplained')}</p>
        </Confirm>
      )}
      {['approved', 'sent'].includes(current.status) && !waiting && (
        <form
          class="grid-form"
          aria-label={t('quotes.requestSignature', { number })}
          onSubmit={sign.onSubmit}
          noValidate
        >
          <TextField
            label={t('quotes.signerName')}
            error={sign.fieldError('name')}
            name="signerName"
            required
            maxLength={200}
          />
          <TextField
            label={t('quotes.signerEmail')}
            error={sign.fieldError('email')}
            name="signerEmail"
            type="email"
            required
            maxLength={254}
          />
          <div class="actions">
            <button type="submit" disabled={sign.busy}>
              {t('quotes.requestSignature', { number })}
            </button>
          </div>
          <Problem error={sign.error} />
        </form>
      )}
    </div>
  );
}
