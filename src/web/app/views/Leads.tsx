import { useEffect, useState } from 'preact/hooks';
import type { ApiError } from '../lib/api';
import { api, query } from '../lib/api';
import { formatRelative, label, t } from '../lib/i18n';
import { nameOf } from '../lib/people';
import { ruleName } from '../lib/rule-labels';
import { me } from '../lib/session';
import { usePaged } from '../lib/use-paged';
import { Empty, Loading, Page, personName, Problem, StageBadge } from '../components/common';

export interface LeadRow {
  id: string;
  email: string;
  firstName: string | null;
  lastName: string | null;
  company: string | null;
  stage: string;
  score: number;
  ownerId: string | null;
  queue: string | null;
  source: string;
  slaStatus: string | null;
  slaDueAt: string | null;
  createdAt: string;
}

// src/domain/lead.ts LEAD_STAGES (the list filter accepts these).
const STAGES = ['new', 'engaged', 'mql', 'sql', 'nurture', 'recycled', 'disqualified', 'customer', 'lost'];

/** Leads: search by name, email or company, filter by stage and owner, sort by score or age. */
export function Leads() {
  const params = new URLSearchParams(location.search);
  const [q, setQ] = useState(params.get('q') ?? '');
  const [stage, setStage] = useState(params.get('stage') ?? '');
  // An owner's email, or `queue:<name>` for a queue's leads (the queues the person works).
  const [owner, setOwner] = useState(
    params.get('queue') ? `queue:${params.get('queue')}` : (params.get('owner') ?? ''),
  );
  const [said, setSaid] = useState<string | null>(null);
  const [sort, setSort] = useState(params.get('sort') ?? 'score');
  const [takeError, setTakeError] = useState<ApiError | null>(null);

  const queue = owner.startsWith('queue:') ? owner.slice('queue:'.length) : undefined;
  const filters = {
    q: q.trim() || undefined,
    stage: stage || undefined,
    owner: (!queue && owner) || undefined,
    queue,
    sort,
    limit: 50,
  };
  // Typing in the search box settles for 200 ms before the list is read.
  const list = usePaged<LeadRow>(`/api/leads${query(filters)}`, 'leads', { debounceMs: 200 });
  const rows = list.items;
  const error = takeError ?? list.error;
  /** Hands a queued lead to the signed-in person, as routing would (recorded with who and why). */
  async function take(lead: LeadRow) {
    try {
      await api(`/api/leads/${lead.id}/reassign`, {
        method: 'POST',
        body: { repEmail: me.value!.email, reason: t('leads.takeReason', { queue: lead.queue ?? '' }) },
      });
      setSaid(t('leads.taken', { name: personName(lead) }));
      setTakeError(null);
      // The lead is theirs now: it leaves a queue's list, and elsewhere shows its new owner. The
      // rows read so far stay, so the person keeps their place in a long queue.
      list.update((shown) =>
        queue
          ? shown.filter((row) => row.id !== lead.id)
          : shown.map((row) => (row.id === lead.id ? { ...row, ownerId: me.value!.email, queue: null } : row)),
      );
    } catch (caught) {
      setTakeError(caught as ApiError);
    }
  }
  useEffect(() => {
    // The address keeps the search, so a reload or a shared link shows the same list.
    const search = query({
      q: filters.q,
      stage: filters.stage,
      owner: filters.owner,
      queue: filters.queue,
      sort: sort === 'score' ? undefined : sort,
    });
    history.replaceState(null, '', `/leads${search}`);
    setTakeError(null);
  }, [q, stage, owner, sort]);

  return (
    <Page title={t('leads.title')}>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('leads.search')}
          <input
            id="lead-search"
            type="search"
            value={q}
            placeholder={t('leads.searchHint')}
            onInput={(event) => setQ(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('leads.stage')}
          <select id="lead-stage" value={stage} onChange={(event) => setStage(event.currentTarget.value)}>
            <option value="">{t('leads.anyStage')}</option>
            {STAGES.map((s) => (
              <option key={s} value={s}>
                {label('stages', s)}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('leads.owner')}
          <select id="lead-owner" value={owner} onChange={(event) => setOwner(event.currentTarget.value)}>
            <option value="">{t('leads.anyOwner')}</option>
            {me.value && <option value={me.value.email}>{t('leads.mine')}</option>}
            {(me.value?.queues ?? []).map((name) => (
              <option key={name} value={`queue:${name}`}>
                {t('leads.queueOption', { queue: ruleName('queues', name) })}
              </option>
            ))}
          </select>
        </label>
        <label>
          {t('leads.sort')}
          <select id="lead-sort" value={sort} onChange={(event) => setSort(event.currentTarget.value)}>
            <option value="score">{t('leads.byScore')}</option>
            <option value="newest">{t('leads.byNewest')}</option>
          </select>
        </label>
      </form>
      <p role="status" id="leads-status">
        {said}
      </p>
      <Problem error={error} />
      {rows === null && !error ? (
        <Loading />
      ) : rows && rows.length === 0 ? (
        <Empty>{t('leads.none')}</Empty>
      ) : (
        rows && (
          <table class="list" id="lead-list">
            <caption class="visually-hidden">{t('leads.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('leads.name')}</th>
                <th scope="col">{t('leads.company')}</th>
                <th scope="col">{t('leads.stage')}</th>
                <th scope="col" class="num">
                  {t('leads.score')}
                </th>
                <th scope="col">{t('leads.owner')}</th>
                <th scope="col">{t('leads.source')}</th>
                <th scope="col">{t('leads.created')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((lead) => (
                <tr key={lead.id}>
                  <td>
                    <a href={`/leads/${lead.id}`}>{personName(lead)}</a>
                    <div class="subtle">{lead.email}</div>
                  </td>
                  <td>{lead.company ?? '—'}</td>
                  <td>
                    <StageBadge stage={lead.stage} />
                  </td>
                  <td class="num">{lead.score}</td>
                  <td>
                    {lead.ownerId ? (
                      <span title={lead.ownerId}>{nameOf(lead.ownerId)}</span>
                    ) : lead.queue ? (
                      t('leads.inQueue', { queue: ruleName('queues', lead.queue) })
                    ) : (
                      '—'
                    )}
                    {!lead.ownerId && lead.queue && me.value?.kind === 'person' && (
                      <button
                        type="button"
                        class="subtle"
                        aria-label={t('leads.takeLabel', { name: personName(lead) })}
                        onClick={() => void take(lead)}
                      >
                        {t('leads.take')}
                      </button>
                    )}
                  </td>
                  <td>{label('sources', lead.source)}</td>
                  <td>{formatRelative(lead.createdAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {list.hasMore && (
        <button type="button" onClick={() => void list.more()}>
          {t('app.more')}
        </button>
      )}
    </Page>
  );
}
