import { query } from '../lib/api';
import { formatDateTime, label, t } from '../lib/i18n';
import { eventReason, eventText, type TimelineEvent } from '../lib/timeline-words';
import { nameOf } from '../lib/people';
import { noteText } from '../lib/reason-words';
import { usePaged } from '../lib/use-paged';
import { Empty, Loading, Problem } from './common';

export interface TimelineItem {
  id: string;
  at: string;
  kind: string;
  title: string;
  summary: string | null;
  event: TimelineEvent;
  actor: string | null;
}

/** One merged timeline (GET /api/leads/{id}/timeline or /api/deals/{id}/timeline), newest first, older on request. */
export function Timeline({ path, id }: { path: string; id: string }) {
  const { items, hasMore, error, more } = usePaged<TimelineItem>(`${path}${query({ limit: 50 })}`, 'items');
  if (error && !items) return <Problem error={error} />;
  if (!items) return <Loading />;
  if (items.length === 0) return <Empty>{t('timelineUi.empty')}</Empty>;
  return (
    <>
      <ol class="timeline" id={id}>
        {items.map((item) => (
          <li key={item.id} class={`tl-${item.kind}`}>
            <time dateTime={item.at}>{formatDateTime(item.at)}</time>{' '}
            <span class="badge">{label('timeline', item.kind)}</span> <span>{eventText(item.event)}</span>
            {eventReason(item.event) && <span class="subtle"> · {eventReason(item.event)}</span>}
            {item.event.note && <span class="subtle"> · {noteText(item.event.note)}</span>}
            {item.actor && item.actor !== 'system' && <span class="subtle"> · {nameOf(item.actor)}</span>}
          </li>
        ))}
      </ol>
      <Problem error={error} />
      {hasMore && (
        <button type="button" class="subtle" onClick={() => void more()}>
          {t('timelineUi.older')}
        </button>
      )}
    </>
  );
}
