/**
 * What people see for the tiers, cadences, pools, queues and SLAs RevOps names in the rule files:
 * the file's `label` in the reader's language (GET /api/rules/labels), else the name as written.
 * Loaded once, on first use; reading a name re-renders the component when the labels arrive and
 * when the language changes.
 */
import { signal } from '@preact/signals';
import { api } from './api';
import { language } from './i18n';

type Labels = Record<string, { en: string; 'zh-CN': string }>;
export type RuleEntity = 'tiers' | 'cadences' | 'pools' | 'queues' | 'slas' | 'stalled' | 'forecastRules';

const labels = signal<Partial<Record<RuleEntity, Labels>> | null>(null);
let loading: Promise<void> | null = null;

function load(): void {
  loading ??= api<Record<RuleEntity, Labels>>('/api/rules/labels')
    .then((answer) => {
      labels.value = answer;
    })
    .catch(() => {
      // Signed out, or no rules active: names are shown; the next reader asks again.
      loading = null;
    });
}

/** The entity's label in the current language, or its name when the rules give it none. */
export function ruleName(kind: RuleEntity, name: string): string {
  const known = labels.value;
  if (!known) load();
  return known?.[kind]?.[name]?.[language.value] ?? name;
}
