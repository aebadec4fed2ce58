/**
 * A timeline item in the chosen language, from its event code and values (the API's `event`);
 * the API's English `title` is not shown. Stage, source, kind and status ids go through their
 * label groups, so a stage reads 销售合格 in Chinese.
 */
import { label, t } from './i18n';
import { nameOf } from './people';
import { ruleName } from './rule-labels';
import { reasonsText, type Worded } from './reason-words';

export interface TimelineEvent {
  code: string;
  params: Record<string, string | number | null>;
  note: string | null;
  /** Why, as codes (absent or empty in rows from before them, whose English reason is `note`). */
  reasons?: Worded[];
}

const text = (value: string | number | null | undefined): string =>
  value === null || value === undefined ? '' : String(value);

/** The headline of one timeline item. */
export function eventText({ code, params, reasons }: TimelineEvent): string {
  const p = (name: string) => text(params[name]);
  switch (code) {
    case 'submission':
    case 'resubmission':
      return params.source
        ? t(`timelineEvents.${code}From`, { source: label('sources', p('source')) })
        : t(`timelineEvents.${code}`);
    case 'behaviour':
    case 'touch':
      return label('events', p('type'));
    case 'unsubscribe':
    case 'bounce':
      return t(`timelineEvents.${code}`);
    case 'email':
      return t('timelineEvents.email', {
        subject: p('subject'),
        to: p('to'),
        status: label('emailStatus', p('status')),
      });
    case 'stage-change':
      return params.from
        ? t('timelineEvents.stageChange', { from: label('stages', p('from')), to: label('stages', p('to')) })
        : t('timelineEvents.stageSet', { to: label('stages', p('to')) });
    case 'qualification': {
      const headline = t(params.outcome === 'sql' ? 'timelineEvents.qualifiedSql' : 'timelineEvents.qualifiedMql');
      const unmet = reasons?.length ? reasonsText(reasons) : p('unmet');
      return unmet ? `${headline} · ${t('timelineEvents.unmet', { unmet })}` : headline;
    }
    case 'assigned':
      return t('timelineEvents.assigned', { rep: nameOf(p('rep')) });
    case 'queued':
      return t('timelineEvents.queued', { queue: ruleName('queues', p('queue')) });
    case 'activity': {
      const kind = label('activityKinds', p('type'));
      return params.outcome ? `${kind} (${p('outcome')})` : kind;
    }
    default:
      return auditText(code, params);
  }
}

/**
 * Why it happened, in the chosen language, when leadflow wrote it as codes (a stage change's or an
 * assignment's reason); a qualification's unmet criteria are part of its headline.
 */
export function eventReason({ code, reasons }: TimelineEvent): string | null {
  return code !== 'qualification' && reasons?.length ? reasonsText(reasons) : null;
}

/** A deal's audit entry: `timelineEvents.audit.<action>` with the values it recorded. */
function auditText(action: string, params: TimelineEvent['params']): string {
  const values = {
    ...params,
    ...(params.from ? { from: label('stages', text(params.from)) } : {}),
    ...(params.to ? { to: label('stages', text(params.to)) } : {}),
  };
  const key = `timelineEvents.audit.${action}`;
  const worded = t(key, values);
  return worded === key ? action : worded;
}
