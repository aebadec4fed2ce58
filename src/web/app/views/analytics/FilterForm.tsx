/**
 * The analytics page's filters, kept in the address so a reload or a shared link shows the same
 * report: the period (a preset or two dates), the trend's grain, a breakdown dimension, the funnel's
 * view and "within N days", and which ruleset decision the rule attribution follows.
 */
import { t } from '../../lib/i18n';
import { DIMENSIONS } from './shared';

export interface Settings {
  period: string;
  from: string;
  to: string;
  grain: string;
  /** The reporting zone when the address names one; '' for the tenant's. */
  zone: string;
  breakdown: string;
  view: 'cohort' | 'period';
  withinDays: string;
  by: 'scoring' | 'routing';
}

const day = (d: Date) => d.toISOString().slice(0, 10);
export const PRESETS = ['this-month', 'last-month', 'this-quarter', 'last-90', 'this-year', 'last-12-months', 'custom'];

/** Preset periods, computed from today in the browser (the API counts them in the reporting zone). */
export function preset(name: string): { from: string; to: string } {
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

/** The settings an address asks for, defaults filled in. */
export function settingsFrom(search: string): Settings {
  const params = new URLSearchParams(search);
  const given = params.get('from') && params.get('to');
  const range = given ? { from: params.get('from')!, to: params.get('to')! } : preset('this-month');
  const breakdown = params.get('breakdown') ?? '';
  return {
    period: given ? 'custom' : 'this-month',
    ...range,
    grain: params.get('grain') ?? 'week',
    zone: params.get('zone') ?? '',
    breakdown: (DIMENSIONS as readonly string[]).includes(breakdown) ? breakdown : '',
    view: params.get('view') === 'period' ? 'period' : 'cohort',
    withinDays: /^\d{1,4}$/.test(params.get('withinDays') ?? '') ? params.get('withinDays')! : '',
    by: params.get('by') === 'routing' ? 'routing' : 'scoring',
  };
}

/** The address's query for `settings` (defaults left out). */
export function addressOf(s: Settings): Record<string, string> {
  return {
    from: s.from,
    to: s.to,
    grain: s.grain,
    zone: s.zone,
    breakdown: s.breakdown,
    view: s.view === 'cohort' ? '' : s.view,
    withinDays: s.view === 'cohort' ? s.withinDays : '',
    by: s.by === 'scoring' ? '' : s.by,
  };
}

export function FilterForm({ settings, change }: { settings: Settings; change: (s: Partial<Settings>) => void }) {
  const s = settings;
  return (
    <form class="filters" onSubmit={(e) => e.preventDefault()}>
      <label>
        {t('analytics.period')}
        <select
          id="analytics-period"
          value={s.period}
          onChange={(e) => {
            const name = e.currentTarget.value;
            change(name === 'custom' ? { period: name } : { period: name, ...preset(name) });
          }}
        >
          {PRESETS.map((p) => (
            <option key={p} value={p}>
              {t(`analytics.presets.${p}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('analytics.from')}
        <input
          type="date"
          id="analytics-from"
          value={s.from}
          onChange={(e) => change({ period: 'custom', from: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('analytics.to')}
        <input
          type="date"
          id="analytics-to"
          value={s.to}
          onChange={(e) => change({ period: 'custom', to: e.currentTarget.value })}
        />
      </label>
      <label>
        {t('analytics.grain')}
        <select id="analytics-grain" value={s.grain} onChange={(e) => change({ grain: e.currentTarget.value })}>
          {['day', 'week', 'month'].map((g) => (
            <option key={g} value={g}>
              {t(`analytics.grains.${g}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('analytics.breakdown')}
        <select
          id="analytics-breakdown"
          value={s.breakdown}
          onChange={(e) => change({ breakdown: e.currentTarget.value })}
        >
          <option value="">{t('analytics.noBreakdown')}</option>
          {DIMENSIONS.map((d) => (
            <option key={d} value={d}>
              {t(`analytics.dimensions.${d}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('analytics.funnelView')}
        <select
          id="analytics-view"
          value={s.view}
          onChange={(e) => change({ view: e.currentTarget.value === 'period' ? 'period' : 'cohort' })}
        >
          <option value="cohort">{t('analytics.views.cohort')}</option>
          <option value="period">{t('analytics.views.period')}</option>
        </select>
      </label>
      {s.view === 'cohort' && (
        <label>
          {t('analytics.withinDays')}
          <input
            type="number"
            id="analytics-within"
            min={1}
            max={3650}
            value={s.withinDays}
            placeholder={t('analytics.soFar')}
            onChange={(e) => change({ withinDays: e.currentTarget.value })}
          />
        </label>
      )}
      <label>
        {t('analytics.attributionBy')}
        <select
          id="analytics-by"
          value={s.by}
          onChange={(e) => change({ by: e.currentTarget.value === 'routing' ? 'routing' : 'scoring' })}
        >
          <option value="scoring">{t('analytics.attributionKinds.scoring')}</option>
          <option value="routing">{t('analytics.attributionKinds.routing')}</option>
        </select>
      </label>
    </form>
  );
}
