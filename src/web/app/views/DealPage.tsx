import { lazy, Suspense } from 'preact/compat';
import { useEffect, useState } from 'preact/hooks';
import { useRoute } from 'preact-iso';
import { api, formText } from '../lib/api';
import { formatDate, formatMoney, label, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Empty, Loading, Page, Problem, StageBadge, TextField } from '../components/common';
import type { Graph, Stakeholder } from '../components/StakeholderMap';
import { Quotes } from '../components/Quotes';
import { Timeline } from '../components/Timeline';
import { ForecastEditor, NextStep, Tasks } from '../components/DealWork';
import { LogActivity, NewQuote, ScheduleMeeting } from '../components/DealActions';
import { Meetings, type Meeting } from '../components/Meetings';
import { useSubmit } from '../lib/use-submit';
import { nameOf } from '../lib/people';
import { DealMaterials } from '../components/DealMaterials';

// Cytoscape is the largest library the workspace uses: only a deal's page loads it.
const StakeholderMap = lazy(() => import('../components/StakeholderMap').then((m) => ({ default: m.StakeholderMap })));

interface Deal {
  id: string;
  name: string;
  leadId: string;
  owner: string;
  stage: string;
  currency: string;
  amountMinor: string | number | null;
  acvMinor: string | number | null;
  revision: number;
  closeReason: string | null;
  expectedCloseDate: string | null;
  forecastCategory: string | null;
  nextStep?: string | null;
  nextStepDueOn?: string | null;
  stalling?: { code: string; message: string }[];
  account: { id: string; name: string; domain: string | null };
  journey: { stageEnteredAt?: string; warnings?: { message?: string }[]; stalled?: unknown } | null;
  /** What the caller may do on the deal, by the checks those operations make (the API's `can`). */
  can: { shareMaterial: boolean };
  stageEvents: { fromStage: string | null; toStage: string; reason: string; occurredAt: string }[];
  quotes: { id: string; number: string; versions: { id: string; version: number }[] }[];
  approvals: ApprovalSummary[];
  meetings: Meeting[];
  contract: Contract | null;
}
interface ApprovalSummary {
  id: string;
  status: string;
  quoteVersionId?: string;
  quoteId?: string;
  version?: number;
  requestedBy?: string;
  createdAt?: string;
  steps?: { id: string; approver: string; status: string; decidedAt?: string | null }[];
}
/** "Approval of quote Q-2026-0001 v2": the quote version it decides, as the rep knows it (not the approval's id). */
function approvalName(deal: Pick<Deal, 'quotes'>, approval: ApprovalSummary): string {
  for (const quote of deal.quotes)
    for (const version of quote.versions ?? [])
      if (version.id === approval.quoteVersionId)
        return t('deal.approvalOfQuote', { number: quote.number, version: version.version });
  return t('deal.approval');
}

interface Contract {
  id: string;
  status: string;
  startDate: string;
  endDate: string;
  tcvFormatted: string;
}
interface Needs {
  revision: number;
  summary: string | null;
  needs: {
    spin: { situation: string; problem: string; implication: string; needPayoff: string };
    painPoints: string[];
    businessGoals: string[];
    objections: { objection: string; response: string | null; status: 'open' | 'answered' }[];
  };
}

const ROLES = ['economic-buyer', 'decision-maker', 'influencer', 'champion', 'user', 'blocker'];
const INFLUENCE = ['low', 'medium', 'high'];

function StakeholderForm({
  dealId,
  people,
  editing,
  done,
}: {
  dealId: string;
  people: Stakeholder[];
  editing: Stakeholder | null;
  done: () => void;
}) {
  const { error, fieldError, onSubmit, busy } = useSubmit(
    (form) => {
      const text = (name: string) => formText(form, name).trim() || null;
      const body = {
        name: text('name') ?? '',
        email: text('email'),
        title: text('title'),
        role: formText(form, 'role'),
        influence: formText(form, 'influence'),
        reportsToId: text('reportsToId'),
      };
      return editing
        ? api(`/api/deals/${dealId}/stakeholders/${editing.id}`, { method: 'PATCH', body })
        : api(`/api/deals/${dealId}/stakeholders`, { method: 'POST', body });
    },
    { done },
  );
  const key = editing?.id ?? 'new';
  return (
    <form
      key={key}
      onSubmit={onSubmit}
      class="grid-form"
      id="stakeholder-form"
      aria-labelledby="stakeholder-form-title"
      noValidate
    >
      <h3 id="stakeholder-form-title">
        {editing ? t('deal.editStakeholder', { name: editing.name }) : t('deal.addStakeholder')}
      </h3>
      <TextField
        label={t('deal.name')}
        error={fieldError('name')}
        name="name"
        required
        maxLength={200}
        defaultValue={editing?.name ?? ''}
      />
      <TextField
        label={t('deal.email')}
        error={fieldError('email')}
        name="email"
        type="email"
        maxLength={254}
        defaultValue={editing?.email ?? ''}
      />
      <label>
        {t('deal.jobTitle')}
        <input name="title" maxLength={200} defaultValue={editing?.title ?? ''} />
      </label>
      <label>
        {t('deal.role')}
        <select name="role">
          {ROLES.map((r) => (
            <option key={r} value={r} selected={r === (editing?.role ?? 'influencer')}>
              {label('roles', r)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('deal.influence')}
        <select name="influence">
          {INFLUENCE.map((i) => (
            <option key={i} value={i} selected={i === (editing?.influence ?? 'medium')}>
              {label('influence', i)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('deal.reportsTo')}
        <select name="reportsToId">
          <option value="">{t('deal.nobody')}</option>
          {people
            .filter((p) => p.id !== editing?.id)
            .map((p) => (
              <option key={p.id} value={p.id} selected={p.id === editing?.reportsToId}>
                {p.name}
              </option>
            ))}
        </select>
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {editing ? t('app.save') : t('deal.add')}
        </button>
        {editing && (
          <button type="button" class="subtle" onClick={done}>
            {t('app.cancel')}
          </button>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}

function Stakeholders({ dealId }: { dealId: string }) {
  const { data: graph, error, reload } = useApi<Graph>(`/api/deals/${dealId}/stakeholders/graph`);
  const [editing, setEditing] = useState<Stakeholder | null>(null);
  const action = useSubmit(null, { done: reload });
  if (error) return <Problem error={error} />;
  if (!graph) return <Loading />;
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const engaged = (person: Stakeholder) =>
    action.run(() => api(`/api/deals/${dealId}/stakeholders/${person.id}/engaged`, { method: 'POST', body: {} }));
  return (
    <>
      <Suspense fallback={<Loading />}>
        <StakeholderMap graph={graph} />
      </Suspense>
      <Problem error={action.error} />
      <table class="list" id="stakeholders">
        <caption class="visually-hidden">{t('deal.stakeholders')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('deal.name')}</th>
            <th scope="col">{t('deal.role')}</th>
            <th scope="col">{t('deal.influence')}</th>
            <th scope="col">{t('deal.reportsTo')}</th>
            <th scope="col">{t('deal.engaged')}</th>
            <th scope="col">
              <span class="visually-hidden">{t('app.actions')}</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {graph.nodes.map((person) => (
            <tr key={person.id}>
              <td>
                {person.name}
                {person.title && <div class="subtle">{person.title}</div>}
              </td>
              <td>{label('roles', person.role)}</td>
              <td>{label('influence', person.influence)}</td>
              <td>{person.reportsToId ? (byId.get(person.reportsToId)?.name ?? '—') : '—'}</td>
              <td>
                {person.engagedAt ? (
                  formatDate(person.engagedAt)
                ) : (
                  <button type="button" class="subtle" onClick={() => void engaged(person)}>
                    {t('deal.markEngaged', { name: person.name })}
                  </button>
                )}
              </td>
              <td>
                <button
                  type="button"
                  class="subtle"
                  onClick={() => setEditing(person)}
                  aria-label={t('deal.editStakeholder', { name: person.name })}
                >
                  {t('app.edit')}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <StakeholderForm
        dealId={dealId}
        people={graph.nodes}
        editing={editing}
        done={() => {
          setEditing(null);
          reload();
        }}
      />
    </>
  );
}

function listFrom(text: FormDataEntryValue | null): string[] {
  return (typeof text === 'string' ? text : '')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
}

function NeedsEditor({ dealId }: { dealId: string }) {
  const { data, error, reload } = useApi<Needs>(`/api/deals/${dealId}/needs`);
  const [objections, setObjections] = useState<Needs['needs']['objections'] | null>(null);
  useEffect(() => setObjections(data?.needs.objections ?? null), [data]);
  const save = useSubmit(
    (form) =>
      api(`/api/deals/${dealId}/needs`, {
        method: 'PUT',
        headers: { 'if-match': `"${data!.revision}"` },
        body: {
          spin: Object.fromEntries(
            ['situation', 'problem', 'implication', 'needPayoff'].map((k) => [k, formText(form, k)]),
          ),
          painPoints: listFrom(form.get('painPoints')),
          businessGoals: listFrom(form.get('businessGoals')),
          objections: objections!
            .filter((o) => o.objection.trim())
            .map((o) => ({ ...o, response: o.response?.trim() || null })),
          summary: formText(form, 'summary').trim() || null,
        },
      }),
    { done: reload, keep: true },
  );
  if (error) return <Problem error={error} />;
  if (!data || !objections) return <Loading />;
  const spin = data.needs.spin;
  return (
    <form onSubmit={save.onSubmit} id="needs-form" class="stack-form" key={data.revision}>
      <fieldset>
        <legend>{t('deal.spin')}</legend>
        {(['situation', 'problem', 'implication', 'needPayoff'] as const).map((k) => (
          <label key={k}>
            {t(`spin.${k}`)}
            <textarea name={k} rows={2} maxLength={4000} defaultValue={spin[k]} />
          </label>
        ))}
      </fieldset>
      <label>
        {t('deal.painPoints')} <span class="subtle">{t('deal.onePerLine')}</span>
        <textarea name="painPoints" rows={3} defaultValue={data.needs.painPoints.join('\n')} />
      </label>
      <label>
        {t('deal.businessGoals')} <span class="subtle">{t('deal.onePerLine')}</span>
        <textarea name="businessGoals" rows={3} defaultValue={data.needs.businessGoals.join('\n')} />
      </label>
      <fieldset id="objections">
        <legend>{t('deal.objections')}</legend>
        {objections.map((o, i) => (
          <div class="objection" key={i}>
            <label>
              {t('deal.objection', { n: i + 1 })}
              <input
                value={o.objection}
                maxLength={500}
                onInput={(e) =>
                  setObjections(objections.map((x, j) => (j === i ? { ...x, objection: e.currentTarget.value } : x)))
                }
              />
            </label>
            <label>
              {t('deal.response')}
              <input
                value={o.response ?? ''}
                maxLength={2000}
                onInput={(e) =>
                  setObjections(objections.map((x, j) => (j === i ? { ...x, response: e.currentTarget.value } : x)))
                }
              />
            </label>
            <label>
              {t('deal.objectionStatus')}
              <select
                value={o.status}
                onChange={(e) =>
                  setObjections(
                    objections.map((x, j) =>
                      j === i ? { ...x, status: e.currentTarget.value as 'open' | 'answered' } : x,
                    ),
                  )
                }
              >
                <option value="open">{t('deal.open')}</option>
                <option value="answered">{t('deal.answered')}</option>
              </select>
            </label>
          </div>
        ))}
        <button
          type="button"
          class="subtle"
          onClick={() => setObjections([...objections, { objection: '', response: null, status: 'open' }])}
        >
          {t('deal.addObjection')}
        </button>
      </fieldset>
      <label>
        {t('deal.summary')}
        <textarea name="summary" rows={3} maxLength={4000} defaultValue={data.summary ?? ''} />
      </label>
      <div class="actions">
        <button type="submit" disabled={save.busy}>
          {t('app.save')}
        </button>
        {save.ok && (
          <span role="status" class="ok">
            {t('app.saved')}
          </span>
        )}
      </div>
      <Problem error={save.error} />
    </form>
  );
}

export function DealPage() {
  const { params } = useRoute();
  const dealId = encodeURIComponent(params.id ?? '');
  const { data: deal, error, reload } = useApi<Deal>(`/api/deals/${dealId}`);
  const people = useApi<{ stakeholders: { id: string; name: string; email: string | null }[] }>(
    `/api/deals/${dealId}/stakeholders`,
  );
  const [changes, setChanges] = useState(0);
  const changed = () => {
    setChanges((n) => n + 1);
    reload();
  };
  useEffect(() => {
    if (deal) document.title = `${deal.name} · leadflow`;
  }, [deal]);
  if (error)
    return (
      <Page title={t('deal.title')}>
        <Problem error={error} />
      </Page>
    );
  if (!deal) return <Loading />;
  return (
    <Page
      title={
        <>
          {deal.name} <StageBadge stage={deal.stage} />
        </>
      }
    >
      <p class="lede">
        {deal.account.name} · {formatMoney(deal.amountMinor, deal.currency)} ·{' '}
        {t('deal.ownedBy', { owner: nameOf(deal.owner) })}
        {deal.expectedCloseDate && <> · {t('deal.closes', { when: formatDate(deal.expectedCloseDate) })}</>} ·{' '}
        <a href={`/leads/${deal.leadId}`}>{t('deal.lead')}</a>
      </p>
      {!deal.stage.startsWith('closed') && (
        <section aria-labelledby="work-title" class="card">
          <h2 id="work-title">{t('deal.work')}</h2>
          <NextStep deal={deal} saved={reload} />
          <Tasks dealId={deal.id} />
          <details>
            <summary>{t('forecast.title')}</summary>
            <ForecastEditor key={deal.revision} dealId={deal.id} saved={reload} />
          </details>
          <details>
            <summary>{t('actions.logActivity')}</summary>
            <LogActivity dealId={deal.id} done={changed} />
          </details>
        </section>
      )}
      <section aria-labelledby="map-title" class="card">
        <h2 id="map-title">{t('deal.stakeholders')}</h2>
        <Stakeholders dealId={dealId} />
      </section>
      <section aria-labelledby="needs-title" class="card">
        <h2 id="needs-title">{t('deal.needs')}</h2>
        <NeedsEditor dealId={dealId} />
      </section>
      <div class="columns">
        <section aria-labelledby="meetings-title" class="card">
          <h2 id="meetings-title">{t('deal.meetings')}</h2>
          {!deal.stage.startsWith('closed') && (
            <details>
              <summary>{t('actions.schedule')}</summary>
              <ScheduleMeeting dealId={deal.id} people={people.data?.stakeholders ?? []} done={changed} />
            </details>
          )}
          <Meetings
            dealId={deal.id}
            meetings={deal.meetings}
            open={!deal.stage.startsWith('closed')}
            changed={changed}
          />
        </section>
        <section aria-labelledby="materials-title" class="card">
          <h2 id="materials-title">{t('deal.materials')}</h2>
          <DealMaterials
            dealId={dealId}
            people={people.data?.stakeholders ?? []}
            canShare={deal.can.shareMaterial}
            changed={changed}
          />
        </section>
        <section aria-labelledby="approvals-title" class="card">
          <h2 id="approvals-title">{t('deal.approvalsAndContract')}</h2>
          {deal.approvals.length === 0 ? (
            <Empty>{t('deal.noApprovals')}</Empty>
          ) : (
            <ul>
              {deal.approvals.map((a) => (
                <li key={a.id}>
                  <a href={`/approvals/${a.id}`}>{approvalName(deal, a)}</a> · {label('approvalStatus', a.status)}
                </li>
              ))}
            </ul>
          )}
          {deal.contract ? (
            <p id="contract">
              {t('deal.contract', {
                status: label('contractStatus', deal.contract.status),
                from: formatDate(deal.contract.startDate),
                to: formatDate(deal.contract.endDate),
              })}{' '}
              · {deal.contract.tcvFormatted}
            </p>
          ) : (
            <Empty>{t('deal.noContract')}</Empty>
          )}
        </section>
      </div>
      <section aria-labelledby="quotes-title" class="card">
        <h2 id="quotes-title">{t('deal.quotes')}</h2>
        <Quotes dealId={dealId} open={!deal.stage.startsWith('closed')} settled={changed} key={`quotes-${changes}`} />
        {!deal.stage.startsWith('closed') && (
          <details>
            <summary>{t('actions.newQuote')}</summary>
            <NewQuote dealId={deal.id} company={deal.account.name} done={changed} />
          </details>
        )}
      </section>
      <section aria-labelledby="timeline-title" class="card">
        <h2 id="timeline-title">{t('deal.timeline')}</h2>
        <Timeline path={`/api/deals/${dealId}/timeline`} id="deal-timeline" key={`timeline-${changes}`} />
      </section>
    </Page>
  );
}
