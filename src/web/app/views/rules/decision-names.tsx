/**
 * What the backtest and shadow reports key their tallies and changes by, in people's words: a
 * routing target (`pool enterprise-na`, `queue sdr-triage`) by its rule-file label, an owner's
 * email by the person's name, an approval tier by its label, `mql` / `not-mql` in words. The key
 * itself stays in the title, for whoever needs the id.
 */
import { t } from '../../lib/i18n';
import { nameOf } from '../../lib/people';
import { ruleName } from '../../lib/rule-labels';

/** A routing key as the reports write it: a target, an owner, or `target → owner`. */
export function routingName(key: string): string {
  if (key.includes(' → ')) return key.split(' → ').map(routingName).join(' → ');
  const [, type, name] = /^(pool|queue) (.+)$/.exec(key) ?? [];
  if (type === 'pool') return ruleName('pools', name!);
  if (type === 'queue') return ruleName('queues', name!);
  return key.includes('@') ? nameOf(key) : key;
}

/** An approval tier, or `out-of-range` (no tier covers the discount). */
export function tierName(tier: string): string {
  return tier === 'out-of-range' ? t('rules.names.outOfRange') : ruleName('tiers', tier);
}

/** A shadow's decision key of `kind` (scoring, routing or approval). */
export function decisionName(kind: string, key: string): string {
  switch (kind) {
    case 'scoring':
      return key === 'mql' ? t('rules.names.mql') : key === 'not-mql' ? t('rules.names.notMql') : key;
    case 'routing':
      return routingName(key);
    case 'approval':
      return tierName(key);
    default:
      return key;
  }
}

/** `name` with the key it stands for in its title (the key alone when they are the same). */
export function Named({ name, id }: { name: string; id: string }) {
  return name === id ? <>{id}</> : <span title={id}>{name}</span>;
}
