/**
 * The overview cards of the analytics page that need more than a few lines: the funnel (cohort or
 * period view) and the win/loss review with its loss reasons and competitors.
 */
import { formatNumber, t } from '../../lib/i18n';
import { Chart, colour } from '../../components/Chart';
import { Empty } from '../../components/common';
import { Card, GroupsTable, percent, type Envelope, type Ids, type Open, type Ratio } from './shared';

export type Stage = 'lead' | 'mql' | 'sql' | 'opportunity' | 'won';
export const FUNNEL: Stage[] = ['lead', 'mql', 'sql', 'opportunity', 'won'];

export interface Funnel {
  view: 'cohort' | 'period';
  stages: Record<Stage, Ids>;
  steps: { from: Stage; to: Stage; conversion: Ratio }[];
  maturing: Ids | null;
}
export interface WinLoss {
  won: Ids;
  lost: Ids;
  winRate: Ratio;
  lossReasons: { key: string; deals: Ids }[];
  competitors: { key: string; deals: Ids }[];
}

export function FunnelCard({ answer, open, withinDays }: { answer: Envelope<Funnel>; open: Open; withinDays: string }) {
  const f = answer.current;
  const title = f.view === 'period' ? t('analytics.funnelPeriod') : t('analytics.funnel');
  const step = (s: Funnel['steps'][number]) => `${t(`analytics.stages.${s.from}`)} → ${t(`analytics.stages.${s.to}`)}`;
  return (
    <Card id="funnel" title={title} how={t(`analytics.how.funnel-${f.view}`)} csv={answer}>
      {f.view === 'cohort' && withinDays && <p class="subtle">{t('analytics.withinDaysNote', { n: withinDays })}</p>}
      <Chart
        id="funnel-chart"
        title={title}
        type="bar"
        horizontal
        categories={FUNNEL.map((s) => t(`analytics.stages.${s}`))}
        series={[{ label: t('analytics.count'), values: FUNNEL.map((s) => f.stages[s].count), colour: colour(0) }]}
      />
      <ul class="items" id="funnel-steps">
        {f.steps.map((s, i) => (
          <li key={s.from}>
            {step(s)}: <strong>{percent(s.conversion.value)}</strong>{' '}
            <button
              type="button"
              class="subtle"
              onClick={open('funnel', `/current/steps/${i}/conversion/numerator`, step(s))}
            >
              ({s.conversion.numerator.count}/{s.conversion.denominator.count})
            </button>
          </li>
        ))}
      </ul>
      {f.maturing && f.maturing.count > 0 && (
        <p class="subtle" id="funnel-maturing">
          {t('analytics.maturing', { n: f.maturing.count })}
        </p>
      )}
      <GroupsTable
        id="funnel-groups"
        report="funnel"
        answer={answer}
        open={open}
        columns={f.steps.map((s, i) => ({
          name: step(s),
          value: (g: Funnel) => percent(g.steps[i]?.conversion.value),
          figure: `/steps/${i}/conversion/numerator`,
        }))}
      />
    </Card>
  );
}

export function WinLossCard({
  answer,
  open,
  reasonName,
}: {
  answer: Envelope<WinLoss>;
  open: Open;
  reasonName: (key: string) => string;
}) {
  const w = answer.current;
  return (
    <Card id="win-loss" title={t('analytics.winLoss')} how={t('analytics.how.winLoss')} csv={answer}>
      <p>{t('analytics.wonLost', { won: w.won.count, lost: w.lost.count })}</p>
      {w.lossReasons.length === 0 ? (
        <Empty>{t('analytics.noLosses')}</Empty>
      ) : (
        <Chart
          id="loss-chart"
          title={t('analytics.lossReasons')}
          type="bar"
          horizontal
          categories={w.lossReasons.map((r) => reasonName(r.key))}
          series={[{ label: t('analytics.count'), values: w.lossReasons.map((r) => r.deals.count), colour: colour(4) }]}
        />
      )}
      {w.competitors.length > 0 && (
        <Chart
          id="competitor-chart"
          title={t('analytics.competitors')}
          type="bar"
          horizontal
          categories={w.competitors.map((c) => c.key)}
          series={[
            { label: t('analytics.lostTo'), values: w.competitors.map((c) => c.deals.count), colour: colour(3) },
          ]}
        />
      )}
      <GroupsTable
        id="win-loss-groups"
        report="win-loss"
        answer={answer}
        open={open}
        columns={[
          { name: t('analytics.won'), value: (g: WinLoss) => formatNumber(g.won.count), figure: '/won' },
          { name: t('analytics.lost'), value: (g: WinLoss) => formatNumber(g.lost.count), figure: '/lost' },
          { name: t('analytics.winRate'), value: (g: WinLoss) => percent(g.winRate.value) },
          {
            name: t('analytics.topLossReason'),
            value: (g: WinLoss) => (g.lossReasons[0] ? reasonName(g.lossReasons[0].key) : '—'),
          },
        ]}
      />
    </Card>
  );
}
