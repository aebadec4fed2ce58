/**
 * The review cards of the analytics page: channel economics, the deal desk, activity, retention
 * and rule attribution. Each asks for its own report once it is scrolled into view.
 */
import { query } from '../../lib/api';
import { formatNumber, label, t } from '../../lib/i18n';
import { ruleName } from '../../lib/rule-labels';
import { useApi } from '../../lib/use-api';
import { Chart, colour } from '../../components/Chart';
import { Empty, Loading, Problem } from '../../components/common';
import {
  asPercent,
  basisPoints,
  Card,
  decimal,
  GroupsTable,
  hours,
  money,
  percent,
  perCurrency,
  percentTick,
  Tile,
  type Distribution,
  type Envelope,
  type Filters,
  type Ids,
  type MoneyTotal,
  type Open,
  type Ratio,
  versionName,
} from './shared';

interface Channels {
  spendIncluded: boolean;
  channels: {
    source: string;
    campaign: string | null;
    spend: MoneyTotal[];
    leads: Ids;
    mqls: Ids;
    customers: Ids;
    revenue: MoneyTotal[];
    byCurrency: {
      currency: string;
      spendMinor: number;
      costPerLeadMinor: number | null;
      costPerMqlMinor: number | null;
      cacMinor: number | null;
      revenueMinor: number;
      roi: number | null;
    }[];
  }[];
}
interface DealDesk {
  discountDepth: { discountBp: Distribution; byTier: { tier: string; discountBp: Distribution }[] };
  approvalTurnaround: { businessHours: Distribution; byTier: { tier: string; businessHours: Distribution }[] };
  quoteToClose: { rate: Ratio; lost: Ids; open: Ids };
}
const KINDS = ['call', 'email', 'meeting'] as const;
type Counts = Record<(typeof KINDS)[number] | 'total', Ids>;
interface Activity {
  byRep: { key: string; counts: Counts }[];
  perWonDeal: { wonDeals: Ids; activities: Counts; perDeal: Record<(typeof KINDS)[number] | 'total', number | null> };
}
interface Retention {
  due: Ids;
  dueValue: MoneyTotal[];
  renewed: Ids;
  notRenewed: Ids;
  pending: Ids;
  rate: Ratio;
}
interface FunnelFigures {
  stages: Record<string, Ids>;
  steps: { from: string; to: string; conversion: Ratio }[];
}
interface Attribution {
  rows: {
    version: string;
    funnel: FunnelFigures;
    response: { businessHours: Distribution };
    winRate: Ratio;
  }[];
  ruleActivations: { version: string; activatedAt: string }[];
}

/** One report, asked when its card is shown; its answer or a loading line or the refusal. */
function useReport<T>(report: string, filters: Filters, options: Record<string, string> = {}) {
  return useApi<Envelope<T>>(`/api/analytics/${report}${query({ ...filters, ...options })}`);
}

const source = (key: string) => label('sources', key);

export function ChannelsCard({ filters, open }: { filters: Filters; open: Open }) {
  const { data, error } = useReport<Channels>('channels', filters);
  if (!data) return error ? <Problem error={error} /> : <Loading />;
  const c = data.current;
  const rows = c.channels;
  const currencies = [...new Set(rows.flatMap((r) => r.byCurrency.map((x) => x.currency)))].sort();
  const line = (list: Channels['channels'][number]['byCurrency'], pick: (x: (typeof list)[number]) => string) =>
    list.map(pick).join(' · ') || '—';
  const name = (r: Channels['channels'][number]) =>
    r.campaign ? `${source(r.source)} / ${r.campaign}` : source(r.source);
  return (
    <Card id="channels" title={t('analytics.channels')} how={t('analytics.how.channels')} csv={data}>
      {!c.spendIncluded && (
        <p class="note" id="spend-note">
          {t('analytics.spendRevOpsOnly')}
        </p>
      )}
      <div class="scroll">
        <table class="list" id="channels-table">
          <thead>
            <tr>
              <th scope="col">{t('analytics.source')}</th>
              {c.spendIncluded && <th scope="col">{t('analytics.spend')}</th>}
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
              {c.spendIncluded &&
                (['costPerLead', 'costPerMql', 'cac', 'roi'] as const).map((k) => (
                  <th scope="col" class="num" key={k}>
                    {t(`analytics.${k}`)}
                  </th>
                ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((r, i) => (
              <tr key={`${r.source}/${r.campaign}`} data-source={r.source}>
                <th scope="row">{name(r)}</th>
                {c.spendIncluded && <td>{perCurrency(r.spend)}</td>}
                <td class="num">
                  <button
                    type="button"
                    class="subtle"
                    onClick={open('channels', `/current/channels/${i}/leads`, name(r))}
                  >
                    {formatNumber(r.leads.count)}
                  </button>
                </td>
                <td class="num">{formatNumber(r.mqls.count)}</td>
                <td class="num">{formatNumber(r.customers.count)}</td>
                <td>{perCurrency(r.revenue)}</td>
                {c.spendIncluded && (
                  <>
                    <td class="num" data-figure="costPerLead">
                      {line(r.byCurrency, (x) => money(x.costPerLeadMinor, x.currency))}
                    </td>
                    <td class="num" data-figure="costPerMql">
                      {line(r.byCurrency, (x) => money(x.costPerMqlMinor, x.currency))}
                    </td>
                    <td class="num" data-figure="cac">
                      {line(r.byCurrency, (x) => money(x.cacMinor, x.currency))}
                    </td>
                    <td class="num" data-figure="roi">
                      {line(r.byCurrency, (x) => `${x.currency} ${percent(x.roi)}`)}
                    </td>
                  </>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {c.spendIncluded && currencies.length > 0 && (
        <Chart
          id="roi-chart"
          title={t('analytics.roi')}
          type="bar"
          categories={rows.map(name)}
          series={currencies.map((cur, i) => ({
            label: cur,
            values: rows.map((r) => asPercent(r.byCurrency.find((x) => x.currency === cur)?.roi)),
            colour: colour(i),
          }))}
          format={percentTick}
        />
      )}
      <GroupsTable
        id="channels-groups"
        report="channels"
        answer={data}
        open={open}
        columns={[
          {
            name: t('analytics.stages.lead'),
            value: (g: Channels) => formatNumber(g.channels.reduce((n, r) => n + r.leads.count, 0)),
          },
          {
            name: t('analytics.customers'),
            value: (g: Channels) => formatNumber(g.channels.reduce((n, r) => n + r.customers.count, 0)),
          },
        ]}
      />
    </Card>
  );
}

export function DealDeskCard({ filters, open }: { filters: Filters; open: Open }) {
  const { data, error } = useReport<DealDesk>('deal-desk', filters);
  if (!data) return error ? <Problem error={error} /> : <Loading />;
  const d = data.current;
  const tiers = d.discountDepth.byTier;
  return (
    <Card id="deal-desk" title={t('analytics.dealDesk')} how={t('analytics.how.dealDesk')} csv={data}>
      <div class="tiles" id="desk-tiles">
        <Tile
          name={t('analytics.discountMean')}
          value={basisPoints(d.discountDepth.discountBp.mean)}
          onOpen={open('deal-desk', '/current/discountDepth/discountBp', t('analytics.discountMean'))}
        />
        <Tile
          name={t('analytics.turnaround')}
          value={hours(d.approvalTurnaround.businessHours.median)}
          onOpen={open('deal-desk', '/current/approvalTurnaround/businessHours', t('analytics.turnaround'))}
        />
        <Tile
          name={t('analytics.quoteToClose')}
          value={percent(d.quoteToClose.rate.value)}
          onOpen={open('deal-desk', '/current/quoteToClose/rate/numerator', t('analytics.quoteToClose'))}
        />
      </div>
      {tiers.length === 0 ? (
        <Empty>{t('analytics.noQuotes')}</Empty>
      ) : (
        <Chart
          id="discount-chart"
          title={t('analytics.discountByTier')}
          type="bar"
          categories={tiers.map((x) => ruleName('tiers', x.tier))}
          series={[
            { label: t('analytics.mean'), values: tiers.map((x) => asBp(x.discountBp.mean)), colour: colour(0) },
            { label: t('analytics.median'), values: tiers.map((x) => asBp(x.discountBp.median)), colour: colour(1) },
          ]}
          format={percentTick}
        />
      )}
      {d.approvalTurnaround.byTier.length > 0 && (
        <Chart
          id="turnaround-chart"
          title={t('analytics.turnaroundByTier')}
          type="bar"
          categories={d.approvalTurnaround.byTier.map((x) => ruleName('tiers', x.tier))}
          series={[
            {
              label: t('analytics.median'),
              values: d.approvalTurnaround.byTier.map((x) => x.businessHours.median),
              colour: colour(2),
            },
          ]}
          format={(n) => hours(n)}
        />
      )}
      <GroupsTable
        id="desk-groups"
        report="deal-desk"
        answer={data}
        open={open}
        columns={[
          { name: t('analytics.discountMean'), value: (g: DealDesk) => basisPoints(g.discountDepth.discountBp.mean) },
          { name: t('analytics.turnaround'), value: (g: DealDesk) => hours(g.approvalTurnaround.businessHours.median) },
          { name: t('analytics.quoteToClose'), value: (g: DealDesk) => percent(g.quoteToClose.rate.value) },
        ]}
      />
    </Card>
  );
}

/** Basis points as a percentage number for a chart (1250 → 12.5), whose table prints it with one decimal. */
const asBp = (bp: number | null) => (bp == null ? null : Math.round(bp) / 100);

export function ActivityCard({ filters, open }: { filters: Filters; open: Open }) {
  const { data, error } = useReport<Activity>('activity', filters);
  if (!data) return error ? <Problem error={error} /> : <Loading />;
  const a = data.current;
  return (
    <Card id="activity" title={t('analytics.activity')} how={t('analytics.how.activity')} csv={data}>
      <div class="tiles" id="activity-tiles">
        <Tile
          name={t('analytics.wonDeals')}
          value={formatNumber(a.perWonDeal.wonDeals.count)}
          onOpen={open('activity', '/current/perWonDeal/wonDeals', t('analytics.wonDeals'))}
        />
        {KINDS.map((k) => (
          <Tile key={k} name={t(`analytics.perWonDeal.${k}`)} value={decimal(a.perWonDeal.perDeal[k])} />
        ))}
      </div>
      {a.byRep.length === 0 ? (
        <Empty>{t('analytics.noActivity')}</Empty>
      ) : (
        <Chart
          id="activity-chart"
          title={t('analytics.activityByRep')}
          type="bar"
          categories={a.byRep.map((r) => r.key)}
          series={KINDS.map((k, i) => ({
            label: t(`analytics.kinds.${k}`),
            values: a.byRep.map((r) => r.counts[k].count),
            colour: colour(i),
          }))}
        />
      )}
      <GroupsTable
        id="activity-groups"
        report="activity"
        answer={data}
        open={open}
        columns={KINDS.map((k) => ({
          name: t(`analytics.kinds.${k}`),
          value: (g: Activity) => formatNumber(g.byRep.reduce((n, r) => n + r.counts[k].count, 0)),
        }))}
      />
    </Card>
  );
}

export function RetentionCard({ filters, open }: { filters: Filters; open: Open }) {
  const { data, error } = useReport<Retention>('retention', filters);
  if (!data) return error ? <Problem error={error} /> : <Loading />;
  const r = data.current;
  const tile = (key: 'due' | 'renewed' | 'notRenewed' | 'pending') => (
    <Tile
      key={key}
      name={t(`analytics.renewal.${key}`)}
      value={formatNumber(r[key].count)}
      onOpen={open('retention', `/current/${key}`, t(`analytics.renewal.${key}`))}
    />
  );
  return (
    <Card id="retention" title={t('analytics.retention')} how={t('analytics.how.retention')} csv={data}>
      <div class="tiles" id="retention-tiles">
        {tile('due')}
        {tile('renewed')}
        {tile('notRenewed')}
        {tile('pending')}
        <Tile
          name={t('analytics.renewalRate')}
          value={percent(r.rate.value)}
          previous={percent(data.previous.rate.value)}
        />
      </div>
      <p id="renewals-due-value">{t('analytics.dueValue', { value: perCurrency(r.dueValue) })}</p>
      <GroupsTable
        id="retention-groups"
        report="retention"
        answer={data}
        open={open}
        columns={[
          { name: t('analytics.renewal.due'), value: (g: Retention) => formatNumber(g.due.count), figure: '/due' },
          { name: t('analytics.renewalRate'), value: (g: Retention) => percent(g.rate.value) },
        ]}
      />
    </Card>
  );
}

export function AttributionCard({ filters, open, by }: { filters: Filters; open: Open; by: string }) {
  const { data, error } = useReport<Attribution>('rule-attribution', filters, { by });
  if (!data) return error ? <Problem error={error} /> : <Loading />;
  const rows = data.current.rows;
  const version = versionName;
  const conversion = (row: Attribution['rows'][number], i: number) => row.funnel.steps[i]?.conversion.value ?? null;
  return (
    <Card id="attribution" title={t(`analytics.attribution.${by}`)} how={t('analytics.how.attribution')} csv={data}>
      {rows.length === 0 ? (
        <Empty>{t('analytics.noAttribution')}</Empty>
      ) : (
        <>
          <div class="scroll">
            <table class="list" id="attribution-table">
              <thead>
                <tr>
                  <th scope="col">{t('analytics.version')}</th>
                  <th scope="col" class="num">
                    {t('analytics.stages.lead')}
                  </th>
                  {rows[0]!.funnel.steps.map((s) => (
                    <th scope="col" class="num" key={s.from}>
                      {t(`analytics.stages.${s.from}`)} → {t(`analytics.stages.${s.to}`)}
                    </th>
                  ))}
                  <th scope="col" class="num">
                    {t('analytics.responseMedian')}
                  </th>
                  <th scope="col" class="num">
                    {t('analytics.winRate')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row, i) => (
                  <tr key={row.version}>
                    <th scope="row">{version(row.version)}</th>
                    <td class="num">
                      <button
                        type="button"
                        class="subtle"
                        onClick={open(
                          'rule-attribution',
                          `/current/rows/${i}/funnel/stages/lead`,
                          version(row.version),
                        )}
                      >
                        {formatNumber(row.funnel.stages.lead?.count ?? 0)}
                      </button>
                    </td>
                    {row.funnel.steps.map((s, j) => (
                      <td class="num" key={s.from}>
                        {percent(conversion(row, j))}
                      </td>
                    ))}
                    <td class="num">{hours(row.response.businessHours.median)}</td>
                    <td class="num">{percent(row.winRate.value)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Chart
            id="attribution-chart"
            title={t(`analytics.attribution.${by}`)}
            type="bar"
            categories={rows.map((r) => version(r.version))}
            series={[
              {
                label: `${t('analytics.stages.lead')} → ${t('analytics.stages.mql')}`,
                values: rows.map((r) => asPercent(conversion(r, 0))),
                colour: colour(0),
              },
              {
                label: `${t('analytics.stages.mql')} → ${t('analytics.stages.sql')}`,
                values: rows.map((r) => asPercent(conversion(r, 1))),
                colour: colour(1),
              },
              { label: t('analytics.winRate'), values: rows.map((r) => asPercent(r.winRate.value)), colour: colour(2) },
            ]}
            format={percentTick}
          />
        </>
      )}
      <GroupsTable
        id="attribution-groups"
        report="rule-attribution"
        answer={data}
        open={open}
        columns={rows.map((row) => ({
          name: t('analytics.winRateOf', { version: version(row.version) }),
          value: (g: Attribution) => percent(g.rows.find((r) => r.version === row.version)?.winRate.value),
        }))}
      />
    </Card>
  );
}
