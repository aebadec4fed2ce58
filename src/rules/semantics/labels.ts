/**
 * Meaning check shared by the files whose entities carry `label: { en, zh-CN }`: a Chinese label
 * is written in Chinese (a copy of the English is most likely untranslated), as loss reasons check.
 */
import type { Finding } from '../yaml-source';

/** CJK Unified Ideographs. */
const HAN = /\p{Script=Han}/u;

/** A warning for every `label.zh-CN` anywhere in the file that has no Chinese characters. */
export function checkLabels(data: unknown, path: (string | number)[] = []): Finding[] {
  if (Array.isArray(data)) return data.flatMap((item, i) => checkLabels(item, [...path, i]));
  if (typeof data !== 'object' || data === null) return [];
  return Object.entries(data).flatMap(([key, value]): Finding[] => {
    const chinese = key === 'label' && typeof value === 'object' && value !== null ? (value as Record<string, unknown>)['zh-CN'] : undefined;
    if (typeof chinese === 'string')
      return HAN.test(chinese)
        ? []
        : [{ path: [...path, 'label', 'zh-CN'], at: 'value', severity: 'warning', code: 'suspicious', message: `the Simplified Chinese label "${chinese}" has no Chinese characters`, hint: 'translate it, e.g. 企业客户 for enterprise' }];
    return checkLabels(value, [...path, key]);
  });
}
