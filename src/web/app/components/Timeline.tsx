import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api, query } from '../lib/api';
import { formatDateTime, label, t } from '../lib/i18n';
import { eventReason, eventText, type TimelineEvent } from '../lib/timeline-words';
import { nameOf } from '../lib/people';
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
  const [items, setItems] = useState<TimelineItem[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  async function load(after?: string) {
    try {
      const page = await api<{ items: TimelineItem[]; nextCursor: string | null }>(
        `${path}${query({ limit: 50, cursor: after })}`,
      );
      setItems((previous) => (after && previous ? [...previous, ...page.items] : page.items));
      setCursor(page.nextCursor);
      setError(null);
    } catch (caught) {
      setError(caught as ApiError);
    }
  }
  useEffect(() => void load(), [path]);
  if (error) return <Problem error={error} />;
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
            {item.event.note && <span class="subtle"> · {item.event.note}</span>}
            {item.actor && item.actor !== 'system' && <span class="subtle"> · {nameOf(item.actor)}</span>}
          </li>
        ))}
      </ol>
      {cursor && (
        <button type="button" class="subtle" onClick={() => void load(cursor)}>
          {t('timelineUi.older')}
        </button>
      )}
    </>
  );
}
