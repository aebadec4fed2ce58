import { useEffect, useRef, useState } from 'preact/hooks';
import type { ComponentChildren } from 'preact';
import { lazy } from 'preact-iso';
import { api, query } from '../lib/api';
import type { ApiError } from '../lib/api';
import { formatNumber, label, language, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Chart, colour, type Marker } from '../components/Chart';
import { Empty, Loading, Page, Problem } from '../components/common';
import { FilterForm, addressOf, settingsFrom, type Settings } from './analytics/FilterForm';
import {
  Card,
  GroupsTable,
  percent,
  perCurrency,
  Tile,
  days,
  hours,
  type Envelope,
  type Filters,
  type Ids,
  type MoneyTotal,
  type Open,
} from './analytics/shared';
import type { Deals, Pipeline, Speed } from './analytics/PerformanceCards';
import { FUNNEL, FunnelCard, WinLossCard, type Funnel, type Stage, type WinLoss } from './analytics/OverviewCards';

// The cards below the first screen load their code (and their reports) when scrolled into view.
const SpeedCard = lazy(() => import('./analytics/PerformanceCards').then((m) => m.SpeedCard));
const DealsCard = lazy(() => import('./analytics/PerformanceCards').then((m) => m.DealsCard));
const ForecastCard = lazy(() => import('./analytics/PerformanceCards').then((m) => m.ForecastCard));
const ChannelsCard = lazy(() => import('./analytics/ReviewCards').then((m) => m.ChannelsCard));
const DealDeskCard = lazy(() => import('./analytics/ReviewCards').then((m) => m.DealDeskCard));
const ActivityCard = lazy(() => import('./analytics/ReviewCards').then((m) => m.ActivityCard));
const RetentionCard = lazy(() => import('./analytics/ReviewCards').then((m) => m.RetentionCard));
const AttributionCard = lazy(() => import('./analytics/ReviewCards').then((m) => m.AttributionCard));

interface Volume {
  stages: Record<Stage, Ids>;
  trend: { bucket: string; figures: Record<Stage, Ids> }[];
  ruleActivations: { version: string; activatedAt: string }[];
}
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

/**
 * A card below the first screen: rendered (its code and its report loaded) once it comes near the
 * viewport, so the page's first load is the overview only.
 */
function WhenVisible({ id, children }: { id: string; children: ComponentChildren }) {
  const slot = useRef<HTMLDivElement>(null);
  const [seen, setSeen] = useState(false);
  useEffect(() => {
    if (seen || !slot.current) return;
    const watcher = new IntersectionObserver((entries) => entries.some((e) => e.isIntersecting) && setSeen(true), {
      rootMargin: '200px',
    });
    watcher.observe(slot.current);
    return () => watcher.disconnect();
  }, [seen]);
  return (
    <div ref={slot} id={`${id}-slot`} class={seen ? undefined : 'deferred'}>
      {seen ? children : <Loading />}
    </div>
  );
}

/** The options each report is asked with besides the filters (a drill-down needs the same). */
function optionsOf(s: Settings): Record<string, Record<string, string>> {
  return {
    volume: { grain: s.grain },
    funnel: { view: s.view, withinDays: s.view === 'cohort' ? s.withinDays : '' },
    'rule-attribution': { by: s.by },
  };
}

/** The review dashboard: the figures the rules produce, with the records behind each one. */
export function Analytics() {
  const [settings, setSettings] = useState<Settings>(() => settingsFrom(location.search));
  const change = (part: Partial<Settings>) => setSettings((s) => ({ ...s, ...part }));
  const address = query(addressOf(settings));
  useEffect(() => history.replaceState(null, '', `/analytics${address}`), [address]);
  const [drill, setDrill] = useState<{
    report: string;
    figure: string;
    title: string;
    filters: Filters;
  } | null>(null);
  const filters: Filters = { from: settings.from, to: settings.to };
  if (settings.zone) filters.zone = settings.zone;
  if (settings.breakdown) filters.breakdown = settings.breakdown;
  const options = optionsOf(settings);
  const ask = (report: string) => `/api/analytics/${report}${query({ ...filters, ...options[report] })}`;
  const volume = useApi<Envelope<Volume>>(ask('volume'));
  const funnel = useApi<Envelope<Funnel>>(ask('funnel'));
  const speed = useApi<Envelope<Speed>>(ask('speed'));
  const deals = useApi<Envelope<Deals>>(ask('deals'));
  const pipeline = useApi<Envelope<Pipeline>>(ask('pipeline'));
  const winLoss = useApi<Envelope<WinLoss>>(ask('win-loss'));
  const reasons = useApi<{ reasons: { code: string; label: Record<string, string> }[] }>('/api/loss-reasons');
  const error = volume.error ?? funnel.error ?? speed.error ?? deals.error ?? pipeline.error ?? winLoss.error;
  const open: Open = (report, figure, title) => () =>
    setDrill({ report, figure, title, filters: { ...filters, ...options[report] } });

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
  const reasonName = (key: string) => {
    const named = reasons.data?.reasons.find((x) => x.code === key)?.label;
    return named?.[language.value] ?? named?.en ?? key;
  };
  const shared = { filters, open };

  return (
    <Page title={t('analytics.title')} actions={<FilterForm settings={settings} change={change} />}>
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
          <Card id="volume" title={t('analytics.volume')} how={t('analytics.how.volume')} csv={v}>
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
            <GroupsTable
              id="volume-groups"
              report="volume"
              answer={v}
              open={open}
              columns={FUNNEL.map((s) => ({
                name: t(`analytics.stages.${s}`),
                value: (f: Volume) => formatNumber(f.stages[s].count),
                figure: `/stages/${s}`,
              }))}
            />
          </Card>
          <div class="columns">
            {funnel.data && <FunnelCard answer={funnel.data} open={open} withinDays={settings.withinDays} />}
            <Card id="kpis" title={t('analytics.kpis')} how={t('analytics.how.kpis')}>
              <div class="tiles" id="kpi-tiles">
                {deals.data && (
                  <Tile
                    name={t('analytics.winRate')}
                    value={percent(deals.data.current.winRate.byCount.value)}
                    previous={percent(deals.data.previous.winRate.byCount.value)}
                    onOpen={open('deals', '/current/winRate/byCount/numerator', t('analytics.won'))}
                  />
                )}
                {deals.data && <Tile name={t('analytics.cycle')} value={days(deals.data.current.cycle.median)} />}
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
                    value={hours(speed.data.current.responseTime.businessHours.median)}
                    onOpen={open('speed', '/current/responseTime/untouched', t('analytics.untouched'))}
                  />
                )}
              </div>
            </Card>
          </div>
          <div class="columns">
            {pipeline.data && (
              <Card id="pipeline" title={t('analytics.pipeline')} how={t('analytics.how.pipeline')} csv={pipeline.data}>
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
                      {label('stages', s.stage)}: {s.deals.count} · {perCurrency(s.value)}
                    </li>
                  ))}
                </ul>
                <GroupsTable
                  id="pipeline-groups"
                  report="pipeline"
                  answer={pipeline.data}
                  open={open}
                  columns={[
                    {
                      name: t('analytics.openDeals'),
                      value: (f: Pipeline) => formatNumber(f.openByStage.reduce((n, s) => n + s.deals.count, 0)),
                    },
                    {
                      name: t('analytics.openValue'),
                      value: (f: Pipeline) => perCurrency(sumByCurrency(f.openByStage.flatMap((s) => s.value))),
                    },
                  ]}
                />
              </Card>
            )}
            {winLoss.data && <WinLossCard answer={winLoss.data} open={open} reasonName={reasonName} />}
          </div>
          {speed.data && (
            <WhenVisible id="speed">
              <SpeedCard answer={speed.data} open={open} />
            </WhenVisible>
          )}
          {deals.data && (
            <WhenVisible id="deals">
              <DealsCard answer={deals.data} open={open} />
            </WhenVisible>
          )}
          {pipeline.data && (
            <WhenVisible id="forecast">
              <ForecastCard answer={pipeline.data} open={open} />
            </WhenVisible>
          )}
          <WhenVisible id="channels">
            <ChannelsCard {...shared} />
          </WhenVisible>
          <WhenVisible id="deal-desk">
            <DealDeskCard {...shared} />
          </WhenVisible>
          <WhenVisible id="activity">
            <ActivityCard {...shared} />
          </WhenVisible>
          <WhenVisible id="retention">
            <RetentionCard {...shared} />
          </WhenVisible>
          <WhenVisible id="attribution">
            <AttributionCard {...shared} by={settings.by} />
          </WhenVisible>
        </>
      )}
      {drill && <DrillDown request={drill} close={() => setDrill(null)} />}
    </Page>
  );
}

/** Money of one currency added up, per currency (never across currencies). */
function sumByCurrency(list: MoneyTotal[]): MoneyTotal[] {
  const sums = new Map<string, MoneyTotal>();
  for (const m of list) {
    const sum = sums.get(m.currency) ?? { currency: m.currency, amountMinor: 0, count: 0 };
    sums.set(m.currency, { ...sum, amountMinor: sum.amountMinor + m.amountMinor, count: sum.count + m.count });
  }
  return [...sums.values()].sort((a, b) => a.currency.localeCompare(b.currency));
}
