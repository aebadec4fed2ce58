/**
 * The performance cards of the analytics page: speed (response time, time in stage, the
 * bottleneck), deals (win rate by count and value, deal size, cycle, velocity) and the forecast
 * (weighted pipeline, forecast against actuals, quota attainment and coverage). They render the
 * reports the overview already asked for; their code loads when they are scrolled into view.
 */
import { formatNumber, label, t } from '../../lib/i18n';
import { Chart, colour } from '../../components/Chart';
import { Empty } from '../../components/common';
import {
  asPercent,
  Card,
  days,
  GroupsTable,
  hours,
  major,
  majorMoney,
  money,
  percent,
  percentTick,
  Tile,
  type Distribution,
  type Envelope,
  type Ids,
  type MoneyTotal,
  type Open,
  type Ratio,
} from './shared';

interface Candidate {
  kind: 'conversion' | 'dwell';
  stage: string;
  current: number | null;
  previous: number | null;
  worsening: number | null;
}
export interface Speed {
  responseTime: { businessHours: Distribution; untouched: Ids };
  sla: { attainment: Ratio; met: Ids; breached: Ids; pending: Ids };
  timeInStage: { stage: string; subject: 'lead' | 'deal'; days: Distribution }[];
  bottleneck: { candidates: Candidate[]; flagged: Candidate | null } | null;
}
export interface Deals {
  winRate: {
    byCount: Ratio;
    byValue: { currency: string; numeratorMinor: number; denominatorMinor: number; value: number | null }[];
    unvalued: Ids;
  };
  dealSize: { acv: { currency: string; averageMinor: number; count: number }[]; unvalued: Ids };
  cycle: Distribution;
  velocity: {
    currency: string;
    openOpportunities: Ids;
    winRate: number | null;
    averageDealMinor: number;
    cycleDays: number | null;
    perDayMinor: number | null;
  }[];
}
interface DealsAmount {
  amountMinor: number;
  deals: Ids;
}
export interface Pipeline {
  openByStage: { stage: string; deals: Ids; value: MoneyTotal[] }[];
  weighted: {
    byCurrency: { currency: string; weightedMinor: number; unweightedMinor: number }[];
    unweighted: Ids;
  };
  forecast: {
    currency: string;
    commit: DealsAmount;
    bestCase: DealsAmount;
    pipeline: DealsAmount;
    actual: DealsAmount;
    attainment: number | null;
    accuracy: number | null;
    committedWon: Ratio;
  }[];
  quotas:
    | {
        quota: {
          rep: string | null;
          team: string | null;
          from: string;
          to: string;
          currency: string;
          amountMinor: number;
        };
        wonMinor: number;
        won: Ids;
        attainment: number | null;
        remainingMinor: number;
        pipelineMinor: number;
        coverage: number | null;
      }[]
    | null;
}

const stageName = (stage: string) => label('stages', stage);
/** "2.5×": a coverage ratio. */
const times = (value: number | null) => (value == null ? '—' : `${formatNumber(value, { maximumFractionDigits: 1 })}×`);

export function SpeedCard({ answer, open }: { answer: Envelope<Speed>; open: Open }) {
  const s = answer.current;
  const response = s.responseTime.businessHours;
  const flagged = s.bottleneck?.flagged;
  return (
    <Card id="speed" title={t('analytics.speed')} how={t('analytics.how.speed')} csv={answer}>
      <div class="tiles" id="speed-tiles">
        <Tile
          name={t('analytics.responseMedian')}
          value={hours(response.median)}
          previous={hours(answer.previous.responseTime.businessHours.median)}
          onOpen={open('speed', '/current/responseTime/businessHours', t('analytics.responseMedian'))}
        />
        <Tile name={t('analytics.responseP90')} value={hours(response.p90)} />
        <Tile
          name={t('analytics.slaAttainment')}
          value={percent(s.sla.attainment.value)}
          onOpen={open('speed', '/current/sla/breached', t('analytics.slaBreached'))}
        />
      </div>
      <p id="bottleneck" class={flagged ? 'flag' : 'subtle'}>
        {flagged
          ? t(`analytics.bottleneck.${flagged.kind}`, {
              stage: stageName(flagged.stage),
              worsening: percent(flagged.worsening),
            })
          : t('analytics.bottleneck.none')}
      </p>
      {s.timeInStage.length === 0 ? (
        <Empty>{t('analytics.noStays')}</Empty>
      ) : (
        <Chart
          id="stage-time-chart"
          title={t('analytics.timeInStage')}
          type="bar"
          categories={s.timeInStage.map((x) => stageName(x.stage))}
          series={[
            { label: t('analytics.median'), values: s.timeInStage.map((x) => x.days.median), colour: colour(0) },
            { label: t('analytics.p75'), values: s.timeInStage.map((x) => x.days.p75), colour: colour(1) },
          ]}
          format={(n) => days(n)}
        />
      )}
      <GroupsTable
        id="speed-groups"
        report="speed"
        answer={answer}
        open={open}
        columns={[
          {
            name: t('analytics.responseMedian'),
            value: (g: Speed) => hours(g.responseTime.businessHours.median),
            figure: '/responseTime/businessHours',
          },
          { name: t('analytics.responseP90'), value: (g: Speed) => hours(g.responseTime.businessHours.p90) },
          {
            name: t('analytics.slaAttainment'),
            value: (g: Speed) => percent(g.sla.attainment.value),
            figure: '/sla/breached',
          },
        ]}
      />
    </Card>
  );
}

export function DealsCard({ answer, open }: { answer: Envelope<Deals>; open: Open }) {
  const d = answer.current;
  const currencies = [
    ...new Set([...d.winRate.byValue, ...d.dealSize.acv, ...d.velocity].map((x) => x.currency)),
  ].sort();
  return (
    <Card id="deals" title={t('analytics.deals')} how={t('analytics.how.deals')} csv={answer}>
      <div class="tiles" id="deals-tiles">
        <Tile
          name={t('analytics.winRateByCount')}
          value={percent(d.winRate.byCount.value)}
          previous={percent(answer.previous.winRate.byCount.value)}
          onOpen={open('deals', '/current/winRate/byCount/numerator', t('analytics.won'))}
        />
        <Tile
          name={t('analytics.cycle')}
          value={days(d.cycle.median)}
          onOpen={open('deals', '/current/cycle', t('analytics.cycle'))}
        />
      </div>
      {currencies.length === 0 ? (
        <Empty>{t('analytics.noClosedDeals')}</Empty>
      ) : (
        <table class="list" id="deals-by-currency">
          <caption>{t('analytics.perCurrency')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('analytics.currency')}</th>
              <th scope="col" class="num">
                {t('analytics.winRateByValue')}
              </th>
              <th scope="col" class="num">
                {t('analytics.dealSize')}
              </th>
              <th scope="col" class="num">
                {t('analytics.velocity')}
              </th>
            </tr>
          </thead>
          <tbody>
            {currencies.map((c) => {
              const byValue = d.winRate.byValue.find((x) => x.currency === c);
              const acv = d.dealSize.acv.find((x) => x.currency === c);
              const velocity = d.velocity.find((x) => x.currency === c);
              return (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  <td class="num">{percent(byValue?.value)}</td>
                  <td class="num">{money(acv?.averageMinor, c)}</td>
                  <td class="num">
                    {velocity?.perDayMinor == null
                      ? '—'
                      : t('analytics.perDay', { amount: money(velocity.perDayMinor, c) })}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      <GroupsTable
        id="deals-groups"
        report="deals"
        answer={answer}
        open={open}
        columns={[
          {
            name: t('analytics.winRateByCount'),
            value: (g: Deals) => percent(g.winRate.byCount.value),
            figure: '/winRate/byCount/numerator',
          },
          {
            name: t('analytics.winRateByValue'),
            value: (g: Deals) => g.winRate.byValue.map((v) => `${v.currency} ${percent(v.value)}`).join(' · ') || '—',
          },
          {
            name: t('analytics.dealSize'),
            value: (g: Deals) => g.dealSize.acv.map((a) => money(a.averageMinor, a.currency)).join(' · ') || '—',
          },
          { name: t('analytics.cycle'), value: (g: Deals) => days(g.cycle.median), figure: '/cycle' },
        ]}
      />
    </Card>
  );
}

export function ForecastCard({ answer, open }: { answer: Envelope<Pipeline>; open: Open }) {
  const p = answer.current;
  const quotas = p.quotas ?? [];
  const quotaName = (q: NonNullable<Pipeline['quotas']>[number]['quota']) =>
    q.rep ?? (q.team ? t('analytics.teamOf', { manager: q.team }) : t('analytics.wholeTenant'));
  return (
    <Card id="forecast" title={t('analytics.forecast')} how={t('analytics.how.forecast')} csv={answer}>
      <table class="list" id="weighted">
        <caption>{t('analytics.weighted')}</caption>
        <thead>
          <tr>
            <th scope="col">{t('analytics.currency')}</th>
            <th scope="col" class="num">
              {t('analytics.weightedValue')}
            </th>
            <th scope="col" class="num">
              {t('analytics.openValue')}
            </th>
          </tr>
        </thead>
        <tbody>
          {p.weighted.byCurrency.map((w) => (
            <tr key={w.currency}>
              <th scope="row">{w.currency}</th>
              <td class="num">{money(w.weightedMinor, w.currency)}</td>
              <td class="num">{money(w.unweightedMinor, w.currency)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      {p.weighted.unweighted.count > 0 && (
        <p class="subtle">{t('analytics.unweighted', { n: p.weighted.unweighted.count })}</p>
      )}
      {p.forecast.length === 0 ? (
        <Empty>{t('analytics.noForecast')}</Empty>
      ) : (
        p.forecast.map((f) => (
          <div key={f.currency} class="forecast">
            <Chart
              id={`forecast-chart-${f.currency}`}
              title={t('analytics.forecastVsActual', { currency: f.currency })}
              type="bar"
              categories={[
                t('analytics.forecastCategories.commit'),
                t('analytics.forecastCategories.bestCase'),
                t('analytics.forecastCategories.pipeline'),
                t('analytics.actual'),
              ]}
              series={[
                {
                  label: f.currency,
                  values: [f.commit, f.bestCase, f.pipeline, f.actual].map((x) => major(x.amountMinor, f.currency)),
                  colour: colour(0),
                },
              ]}
              format={majorMoney(f.currency)}
            />
            <p class="subtle" id={`forecast-accuracy-${f.currency}`}>
              {t('analytics.accuracy', {
                currency: f.currency,
                accuracy: percent(f.accuracy),
                attainment: percent(f.attainment),
                committedWon: percent(f.committedWon.value),
              })}
            </p>
          </div>
        ))
      )}
      {quotas.length > 0 && (
        // Over a year there are many quotas (every rep's and team's, per quarter): folded past a dozen.
        <details open={quotas.length <= 12} class="quotas">
          <summary>{t('analytics.quotasCount', { n: quotas.length })}</summary>
          <table class="list" id="quotas">
            <caption>{t('analytics.quotas')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('analytics.quotaOwner')}</th>
                <th scope="col" class="num">
                  {t('analytics.quota')}
                </th>
                <th scope="col" class="num">
                  {t('analytics.wonValue')}
                </th>
                <th scope="col" class="num">
                  {t('analytics.attainment')}
                </th>
                <th scope="col" class="num">
                  {t('analytics.remaining')}
                </th>
                <th scope="col" class="num">
                  {t('analytics.coverage')}
                </th>
              </tr>
            </thead>
            <tbody>
              {quotas.map((q, i) => (
                <tr key={i}>
                  <th scope="row">{quotaName(q.quota)}</th>
                  <td class="num">{money(q.quota.amountMinor, q.quota.currency)}</td>
                  <td class="num">
                    <button
                      type="button"
                      class="subtle"
                      onClick={open('pipeline', `/current/quotas/${i}/won`, quotaName(q.quota))}
                    >
                      {money(q.wonMinor, q.quota.currency)}
                    </button>
                  </td>
                  <td class="num">{percent(q.attainment)}</td>
                  <td class="num">{money(q.remainingMinor, q.quota.currency)}</td>
                  <td class="num">{times(q.coverage)}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Chart
            id="quota-chart"
            title={t('analytics.attainment')}
            type="bar"
            horizontal
            categories={quotas.map((q) => `${quotaName(q.quota)} (${q.quota.currency})`)}
            series={[
              {
                label: t('analytics.attainment'),
                values: quotas.map((q) => asPercent(q.attainment)),
                colour: colour(1),
              },
            ]}
            format={percentTick}
            height={Math.max(260, 28 * quotas.length)}
          />
        </details>
      )}
    </Card>
  );
}
