import { formatDate, label, t } from '../lib/i18n';

/** A reason a deal is stalling, as GET /api/deals and GET /api/deals/{id} give it. */
export interface StallReason {
  code: string;
  message: string;
  /** `stage-alert` from stored data: the rules' threshold ("14 days") and when the stage was entered. */
  after?: string;
  since?: string;
}

const DURATION = /^(\d+(?:\.\d+)?) (business day|business hour|day|hour|week|minute)s?$/;

/** "14 days", "15 business days" as the rules write them, in the reader's language. */
function duration(text: string): string {
  const match = DURATION.exec(text);
  if (!match) return text;
  return t(`durations.${match[2]!.replace(' ', '-')}`, { count: Number(match[1]) });
}

/** One reason in words: the stage threshold with its numbers when known. */
export function stallText(reason: StallReason): string {
  if (reason.code === 'stage-alert' && reason.after && reason.since)
    return t('stalling.inStageTooLong', { after: duration(reason.after), since: formatDate(reason.since) });
  return label('stallReasons', reason.code);
}

/** Every reason in words, in one line. */
export function stallList(reasons: StallReason[]): string {
  return reasons.map(stallText).join(t('stalling.separator'));
}

/** A pipeline card's badge: "Stalling", with every reason in its accessible name and its tooltip. */
export function StallBadge({ reasons }: { reasons: StallReason[] }) {
  if (reasons.length === 0) return null;
  const why = stallList(reasons);
  const name = t('stalling.label', { reasons: why });
  return (
    <span class="badge stalling" role="note" aria-label={name} title={name}>
      {t('stalling.badge')}
    </span>
  );
}
