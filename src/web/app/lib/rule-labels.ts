/**
 * What people see for the tiers, cadences, pools, queues and SLAs RevOps names in the rule files:
 * the file's `label` in the reader's language (GET /api/rules/labels), else the name as written.
 * Loaded on first use, then revalidated with the answer's ETag (the active version's hash) when
 * the person moves to another page, comes back to the tab, or activates a version: an unchanged
 * version costs a 304, a new one re-renders every component that read a name.
 */
import { signal } from '@preact/signals';
import { apiIfChanged } from './api';
import { language } from './i18n';

type Labels = Record<string, { en: string; 'zh-CN': string }>;
export type RuleEntity =
  'tiers' | 'cadences' | 'pools' | 'queues' | 'slas' | 'stalled' | 'forecastRules' | 'lossReasons';

const labels = signal<Partial<Record<RuleEntity, Labels>> | null>(null);
/** The ETag of the labels held, sent back as If-None-Match. */
let etag: string | null = null;
/** The request under way, and the one asked for meanwhile: calls while one is out share one more. */
let asking: Promise<void> | null = null;
let queued: Promise<void> | null = null;
let asked = false;

/**
 * Asks the API whether the labels changed since they were read, and takes the new ones if so.
 * A call while a request is out asks again once it is back, since that one may predate an
 * activation. Failures keep what is shown (signed out, no rules active): names or the last labels.
 */
export function refreshRuleLabels(): Promise<void> {
  asked = true;
  if (asking)
    return (queued ??= asking.then(() => {
      queued = null;
      return refreshRuleLabels();
    }));
  asking = apiIfChanged<Record<RuleEntity, Labels>>('/api/rules/labels', etag)
    .then((answer) => {
      if (!answer) return;
      etag = answer.etag;
      labels.value = answer.body;
    })
    .catch(() => {
      // The next reader or revalidation asks again.
      asked = labels.value !== null;
    })
    .finally(() => {
      asking = null;
    });
  return asking;
}

/**
 * Revalidates the labels, once they have been read, when the window gets the focus back or the
 * tab becomes visible (RevOps may have activated a version meanwhile). Returns the unsubscribe.
 */
export function revalidateRuleLabelsOnReturn(): () => void {
  const revalidate = () => {
    if (asked && document.visibilityState === 'visible') void refreshRuleLabels();
  };
  window.addEventListener('focus', revalidate);
  document.addEventListener('visibilitychange', revalidate);
  return () => {
    window.removeEventListener('focus', revalidate);
    document.removeEventListener('visibilitychange', revalidate);
  };
}

/** Revalidates the labels if any page read them already (a route change: the next page reads them fresh). */
export function revalidateRuleLabels(): void {
  if (asked) void refreshRuleLabels();
}

/** The entity's label in the current language, or its name when the rules give it none. */
export function ruleName(kind: RuleEntity, name: string): string {
  const known = labels.value;
  if (!known && !asked) void refreshRuleLabels();
  return known?.[kind]?.[name]?.[language.value] ?? name;
}
