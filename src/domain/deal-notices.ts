/**
 * What a deal's journey tells its owner (or the owner's manager) by email: an approval decided,
 * a quote expired or not emailed, a signature declined, warnings on entering a stage, a stall.
 * The workflow says which notice with its facts; the activity writes it in the reader's language
 * (src/email/messages). Pure.
 */
import { messagesFor } from '../email/i18n';
import type { Language } from './languages';

export type DealNotice =
  /** The discount approval of a quote version ended; the requester hears the decision. */
  | { kind: 'quote-approved' | 'quote-rejected'; quote: string }
  | { kind: 'quote-expired'; quote: string; at: string }
  | { kind: 'quote-not-emailed'; reason: string }
  | { kind: 'signature-declined' | 'signature-voided'; quote: string }
  | { kind: 'stage-warnings'; stage: string; warnings: string[] }
  /** `action`: a step (reassign, move-to-queue) that deals do not take; the notice says so. */
  | { kind: 'stalled'; stage: string; since: string; alert: string; action?: string }
  /** A contract comes up for renewal: `offset` is how long before its end, already in the reader's words. */
  | { kind: 'renewal-due'; endDate: string; offset: string; acv: string; tcv: string };

const KEYS: Record<DealNotice['kind'], string> = {
  'quote-approved': 'quoteApproved',
  'quote-rejected': 'quoteRejected',
  'quote-expired': 'quoteExpired',
  'quote-not-emailed': 'quoteNotEmailed',
  'signature-declined': 'signatureDeclined',
  'signature-voided': 'signatureVoided',
  'stage-warnings': 'stageWarnings',
  stalled: 'stalled',
  'renewal-due': 'renewalDue',
};

/** Subject ("Quote approved: Acme platform") and text, with the deal's link, in `language`. */
export function dealNoticeText(
  notice: DealNotice,
  deal: { name: string; url: string },
  language: Language,
): { subject: string; text: string } {
  const t = messagesFor(language);
  const key = `deal.${KEYS[notice.kind]}`;
  const values: Record<string, unknown> = { ...notice, deal: deal.name };
  if (notice.kind === 'stage-warnings') values.warnings = notice.warnings.join('\n- ');
  let body = t(`${key}.text`, values);
  if (notice.kind === 'stalled' && notice.action) body += t('deal.stalled.notMoved', { action: notice.action });
  return {
    subject: t('deal.subject', { what: t(`${key}.subject`, values), deal: deal.name }),
    text: `${body}\n\n${t('deal.link', { url: deal.url })}`,
  };
}
