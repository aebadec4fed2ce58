import { useEffect, useRef, useState } from 'preact/hooks';
import { api, query } from '../lib/api';
import type { ApiError } from '../lib/api';
import { formatMoney, formatNumber, label, language, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Chart, colour, type Marker } from '../components/Chart';
import { Empty, Loading, Page, Problem } from '../components/common';

interface Ids {
  count: number;
  ids: string[];
}
interface Ratio {
  numerator: Ids;
  denominator: Ids;
  value: number | null;
}
interface Stats {
  n: number;
  median: number | null;
  mean: number | null;
}
interface Money {
  currency: string;
  amountMinor?: string | number;
  sumMinor?: string | number;
  valueMinor?: string | number;
}
interface Envelope<T> {
  period: { from: string; to: string; zone: string };
  previousPeriod: { from: string; to: string };
  current: T;
  previous: T;
}
type Stage = 'lead' | 'mql' | 'sql' | 'opportunity' | 'won';
const FUNNEL: Stage[] = ['lead', 'mql', 'sql', 'opportunity', 'won'];
interface Volume {
  stages: Record<Stage, Ids>;
  trend: { bucket: string; figures: Record<Stage, Ids> }[];
  ruleActivations: { version: string; activatedAt: string }[];
}
interface Funnel {
  stages: Record<Stage, Ids>;
  steps: { from: Stage; to: Stage; conversion: Ratio }[];
}
interface Speed {
  responseTime: { businessHours: Stats; untouched: Ids };
  sla: { attainment: Ratio; met: Ids; breached: Ids; pending: Ids };
}
interface Deals {
  winRate: { byCount: Ratio };
  cycle: Stats;
}
interface Pipeline {
  openByStage: { stage: string; deals: Ids; value: Money[] }[];
}
interface WinLoss {
  won: Ids;
  lost: Ids;
  lossReasons: { key: string; deals: Ids }[];
}
interface Channels {
  channels: {
    source: string | null;
    campaign: string | null;
    spend: Money[];
    leads: Ids;
    mqls: Ids;
    customers: Ids;
    revenue: Money[];
  }[];
}

const day = (d: Date) => d.toISOString().slice(0, 10);
/** Preset periods, computed from today in the browser (the API counts them in the reporting zone). */
function preset(name: string): { from: string; to: string } {
  const now = new Date();
  const y = now.getUTCFullYear();
  const m = now.getUTCMonth();
  switch (name) {
    case 'last-month':
      return { from: day(new Date(Date.UTC(y, m - 1, 1))), to: day(new Date(Date.UTC(y, m, 0))) };
    case 'this-quarter':
      return { from: day(new Date(Date.UTC(y, m - (m % 3), 1))), to: day(new Date(Date.UTC(y, m - (m % 3) + 3, 0))) };
    case 'last-90':
      return { from: day(new Date(now.getTime() - 89 * 864e5)), to: day(now) };
    case 'this-year':
      return { from: `${y}-01-01`, to: `${y}-12-31` };
    case 'last-12-months':
      return { from: day(new Date(Date.UTC(y, m - 11, 1))), to: day(new Date(Date.UTC(y, m + 1, 0))) };
    default:
      return { from: day(new Date(Date.UTC(y, m, 1))), to: day(new Date(Date.UTC(y, m + 1, 0))) };
  }
}

const percent = (value: number | null) =>
  value == null ? '—' : formatNumber(value, { style: 'percent', maximumFractionDigits: 1 });
const moneyOf = (list: Money[]) =>
  list.map((x) => formatMoney(x.amountMinor ?? x.sumMinor ?? x.valueMinor ?? 0, x.currency)).join(' + ') || '—';

/** The records behind one figure, listed in a dialog (GET /api/analytics/drill-down). */
function DrillDown({
  request,
  close,
}: {
  request: { report: string; figure: string; title: string; filters: Record<string, string> };
  close: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  const [records, setRecords] = useState<
    { kind: string; id: string; email?: string; company?: string | null; name?: string; stage?: string }[] | null
  >(null);
  const [error, setError] = useState<ApiError | null>(null);
  useEffect(() => {
    dialog.current?.showModal();
    api<{ records: NonNullable<typeof records> }>(
      `/api/analytics/drill-down${query({ report: request.report, figure: request.figure, ...request.filters, limit: 200 })}`,
    )
      .then((answer) => setRecords(answer.records))
      .catch((caught: ApiError) => setError(caught));
  }, []);
  return (
    <dialog ref={dialog} onClose={close} aria-labelledby="drill-title" id="drill-down">
      <h2 id="drill-title">{request.title}</h2>
      <Problem error={error} />
      {!records ? (
        !error && <Loading />
      ) : records.length === 0 ? (
        <Empty>{t('analytics.noRecords')}</Empty>
      ) : (
        <ul class="items">
          {records.map((r) => (
            <li key={r.id}>
              <a href={r.kind === 'deal' ? `/deals/${r.id}` : `/leads/${r.id}`}>{r.name ?? r.email ?? r.id}</a>
              {r.company && <span class="subtle"> · {r.company}</span>}
              {r.stage && <span class="subtle"> · {label('stages', r.stage)}</span>}
            </li>
          ))}
        </ul>
      )}
      <button type="button" onClick={() => dialog.current?.close()}>
        {t('app.close')}
      </button>
    </dialog>
  );
}

function Tile({
  name,
  value,
  previous,
  onOpen,
}: {
  name: string;
  value: string;
  previous?: string;
  onOpen?: () => void;
}) {
  return (
    <div class="tile">
      <div class="tile-name">{name}</div>
      {onOpen ? (
        <button type="button" class="tile-value" onClick={onOpen} aria-label={t('analytics.open', { name, value })}>
          {value}
        </button>
      ) : (
        <div class="tile-value">{value}</div>
      )}
      {previous !== undefined && <div class="subtle">{t('analytics.previous', { value: previous })}</div>}
    </div>
  );
}

/** The review dashboard: the figures the rules produce, with the records behind each one. */
export function Analytics() {
  // The period is kept in the address, so a reload or a shared link shows the same report.
  const params = new URLSearchParams(location.search);
  const given = params.get('from') && params.get('to') ? { from: params.get('from')!, to: params.get('to')! } : null;
  const [period, setPeriod] = useState(given ? 'custom' : 'this-month');
  const [range, setRange] = useState(given ?? preset('this-month'));
  const [grain, setGrain] = useState(params.get('grain') ?? 'week');
  useEffect(
    () => history.replaceState(null, '', `/analytics${query({ from: range.from, to: range.to, grain })}`),
    [range.from, range.to, grain],
  );
  const [drill, setDrill] = useState<{
    report: string;
    figure: string;
    title: string;
    filters: Record<string, string>;
  } | null>(null);
  const filters = { from: range.from, to: range.to };
  const volume = useApi<Envelope<Volume>>(`/api/analytics/volume${query({ ...filters, grain })}`);
  const funnel = useApi<Envelope<Funnel>>(`/api/analytics/funnel${query(filters)}`);
  const speed = useApi<Envelope<Speed>>(`/api/analytics/speed${query(filters)}`);
  const deals = useApi<Envelope<Deals>>(`/api/analytics/deals${query(filters)}`);
  const pipeline = useApi<Envelope<Pipeline>>(`/api/analytics/pipeline${query(filters)}`);
  const winLoss = useApi<Envelope<WinLoss>>(`/api/analytics/win-loss${query(filters)}`);
  const channels = useApi<Envelope<Channels>>(`/api/analytics/channels${query(filters)}`);
  const reasons = useApi<{ reasons: { code: string; label: Record<string, string> }[] }>('/api/loss-reasons');
  const error =
    volume.error ?? funnel.error ?? speed.error ?? deals.error ?? pipeline.error ?? winLoss.error ?? channels.error;
  const open = (report: string, figure: string, title: string) => () => setDrill({ report, figure, title, filters });

  const v = volume.data;
  const zone = v?.period.zone;
  const activationDay = (iso: string) =>
    new Intl.DateTimeFormat('en-CA', { timeZone: zone ?? 'UTC' }).format(new Date(iso));
  const markers: Marker[] = [];
  if (v)
    for (const a of v.current.ruleActivations) {
      const dayOf = activationDay(a.activatedAt);
      let at = -1;
      v.current.trend.forEach((b, i) => {
        if (b.bucket <= dayOf) at = i;
      });
      if (at >= 0) markers.push({ at, label: t('analytics.rulesActivated', { version: a.version.slice(0, 7) }) });
    }

  return (
    <Page
      title={t('analytics.title')}
      actions={
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <label>
            {t('analytics.period')}
            <select
              id="analytics-period"
              value={period}
              onChange={(e) => {
                const name = e.currentTarget.value;
                setPeriod(name);
                if (name !== 'custom') setRange(preset(name));
              }}
            >
              {['this-month', 'last-month', 'this-quarter', 'last-90', 'this-year', 'last-12-months', 'custom'].map(
                (p) => (
                  <option key={p} value={p}>
                    {t(`analytics.presets.${p}`)}
                  </option>
                ),
              )}
            </select>
          </label>
          <label>
            {t('analytics.from')}
            <input
              type="date"
              id="analytics-from"
              value={range.from}
              onChange={(e) => (setPeriod('custom'), setRange({ ...range, from: e.currentTarget.value }))}
            />
          </label>
          <label>
            {t('analytics.to')}
            <input
              type="date"
              id="analytics-to"
              value={range.to}
              onChange={(e) => (setPeriod('custom'), setRange({ ...range, to: e.currentTarget.value }))}
            />
          </label>
          <label>
            {t('analytics.grain')}
            <select id="analytics-grain" value={grain} onChange={(e) => setGrain(e.currentTarget.value)}>
              {['day', 'week', 'month'].map((g) => (
                <option key={g} value={g}>
                  {t(`analytics.grains.${g}`)}
                </option>
              ))}
            </select>
          </label>
        </form>
      }
    >
      <Problem error={error} />
      {zone && (
        <p class="subtle">
          {t('analytics.zone', {
            zone,
            from: v.period.from,
            to: v.period.to,
            prevFrom: v.previousPeriod.from,
            prevTo: v.previousPeriod.to,
          })}
        </p>
      )}
      {!v ? (
        !error && <Loading />
      ) : (
        <>
          <section class="card" aria-labelledby="volume-title">
            <h2 id="volume-title">{t('analytics.volume')}</h2>
            <div class="tiles" id="volume-tiles">
              {FUNNEL.map((s) => (
                <Tile
                  key={s}
                  name={t(`analytics.stages.${s}`)}
                  value={formatNumber(v.current.stages[s].count)}
                  previous={formatNumber(v.previous.stages[s].count)}
                  onOpen={open('volume', `/current/stages/${s}`, t(`analytics.stages.${s}`))}
                />
              ))}
            </div>
            <Chart
              id="volume-chart"
              title={t('analytics.volumeTrend')}
              type="bar"
              categories={v.current.trend.map((b) => b.bucket)}
              series={(['lead', 'mql', 'sql', 'won'] as Stage[]).map((s, i) => ({
                label: t(`analytics.stages.${s}`),
                values: v.current.trend.map((b) => b.figures[s].count),
                colour: colour(i),
              }))}
              markers={markers}
            />
          </section>
          <div class="columns">
            {funnel.data && (
              <section class="card" aria-labelledby="funnel-title">
                <h2 id="funnel-title">{t('analytics.funnel')}</h2>
                <Chart
                  id="funnel-chart"
                  title={t('analytics.funnel')}
                  type="bar"
                  horizontal
                  categories={FUNNEL.map((s) => t(`analytics.stages.${s}`))}
                  series={[
                    {
                      label: t('analytics.count'),
                      values: FUNNEL.map((s) => funnel.data!.current.stages[s].count),
                      colour: colour(0),
                    },
                  ]}
                />
                <ul class="items" id="funnel-steps">
                  {funnel.data.current.steps.map((step) => (
                    <li key={step.from}>
                      {t(`analytics.stages.${step.from}`)} → {t(`analytics.stages.${step.to}`)}:{' '}
                      <strong>{percent(step.conversion.value)}</strong>{' '}
                      <span class="subtle">
                        ({step.conversion.numerator.count}/{step.conversion.denominator.count})
                      </span>
                    </li>
                  ))}
                </ul>
              </section>
            )}
            <section class="card" aria-labelledby="kpi-title">
              <h2 id="kpi-title">{t('analytics.kpis')}</h2>
              <div class="tiles" id="kpi-tiles">
                {deals.data && (
                  <Tile
                    name={t('analytics.winRate')}
                    value={percent(deals.data.current.winRate.byCount.value)}
                    previous={percent(deals.data.previous.winRate.byCount.value)}
                    onOpen={open('deals', '/current/winRate/byCount/numerator', t('analytics.won'))}
                  />
                )}
                {deals.data && (
                  <Tile
                    name={t('analytics.cycle')}
                    value={
                      deals.data.current.cycle.median == null
                        ? '—'
                        : t('analytics.days', {
                            n: formatNumber(deals.data.current.cycle.median, { maximumFractionDigits: 1 }),
                          })
                    }
                  />
                )}
                {speed.data && (
                  <Tile
                    name={t('analytics.slaAttainment')}
                    value={percent(speed.data.current.sla.attainment.value)}
                    previous={percent(speed.data.previous.sla.attainment.value)}
                    onOpen={open('speed', '/current/sla/breached', t('analytics.slaBreached'))}
                  />
                )}
                {speed.data && (
                  <Tile
                    name={t('analytics.responseTime')}
                    value={
                      speed.data.current.responseTime.businessHours.median == null
                        ? '—'
                        : t('analytics.hours', {
                            n: formatNumber(speed.data.current.responseTime.businessHours.median, {
                              maximumFractionDigits: 1,
                            }),
                          })
                    }
                    onOpen={open('speed', '/current/responseTime/untouched', t('analytics.untouched'))}
                  />
                )}
              </div>
            </section>
          </div>
          <div class="columns">
            {pipeline.data && (
              <section class="card" aria-labelledby="pipeline-title">
                <h2 id="pipeline-title">{t('analytics.pipeline')}</h2>
                <Chart
                  id="pipeline-chart"
                  title={t('analytics.pipeline')}
                  type="bar"
                  categories={pipeline.data.current.openByStage.map((s) => label('stages', s.stage))}
                  series={[
                    {
                      label: t('analytics.openDeals'),
                      values: pipeline.data.current.openByStage.map((s) => s.deals.count),
                      colour: colour(2),
                    },
                  ]}
                />
                <ul class="items">
                  {pipeline.data.current.openByStage.map((s) => (
                    <li key={s.stage}>
                      {label('stages', s.stage)}: {s.deals.count} · {moneyOf(s.value)}
                    </li>
                  ))}
                </ul>
              </section>
            )}
            {winLoss.data && (
              <section class="card" aria-labelledby="loss-title">
                <h2 id="loss-title">{t('analytics.winLoss')}</h2>
                <p>
                  {t('analytics.wonLost', {
                    won: winLoss.data.current.won.count,
                    lost: winLoss.data.current.lost.count,
                  })}
                </p>
                {winLoss.data.current.lossReasons.length === 0 ? (
                  <Empty>{t('analytics.noLosses')}</Empty>
                ) : (
                  <Chart
                    id="loss-chart"
                    title={t('analytics.lossReasons')}
                    type="bar"
                    horizontal
                    categories={winLoss.data.current.lossReasons.map((r) => {
                      const named = reasons.data?.reasons.find((x) => x.code === r.key)?.label;
                      return named?.[language.value] ?? named?.en ?? r.key;
                    })}
                    series={[
                      {
                        label: t('analytics.count'),
                        values: winLoss.data.current.lossReasons.map((r) => r.deals.count),
                        colour: colour(4),
                      },
                    ]}
                  />
                )}
              </section>
            )}
          </div>
          {channels.data && (
            <section class="card" aria-labelledby="channels-title">
              <h2 id="channels-title">{t('analytics.channels')}</h2>
              <table class="list" id="channels">
                <thead>
                  <tr>
                    <th scope="col">{t('analytics.source')}</th>
                    <th scope="col">{t('analytics.spend')}</th>
                    <th scope="col" class="num">
                      {t('analytics.stages.lead')}
                    </th>
                    <th scope="col" class="num">
                      {t('analytics.stages.mql')}
                    </th>
                    <th scope="col" class="num">
                      {t('analytics.customers')}
                    </th>
                    <th scope="col">{t('analytics.revenue')}</th>
                  </tr>
                </thead>
                <tbody>
                  {channels.data.current.channels.map((c) => (
                    <tr key={`${c.source}/${c.campaign}`}>
                      <th scope="row">{c.source ? label('sources', c.source) : '—'}</th>
                      <td>{moneyOf(c.spend)}</td>
                      <td class="num">{c.leads.count}</td>
                      <td class="num">{c.mqls.count}</td>
                      <td class="num">{c.customers.count}</td>
                      <td>{moneyOf(c.revenue)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>
          )}
        </>
      )}
      {drill && <DrillDown request={drill} close={() => setDrill(null)} />}
    </Page>
  );
}
