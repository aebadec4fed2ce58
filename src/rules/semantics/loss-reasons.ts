/**
 * Meaning checks for loss-reasons.yaml: the fallback code exists, is in use and asks for nothing a
 * free-text-only loss cannot give; a requirement is listed once; a Chinese label is written in
 * Chinese; tests name codes that exist.
 */
import type { LossReasonsFile } from '../schema/loss-reasons';
import type { Finding } from '../yaml-source';
import { unknownReference } from './conditions';

/** CJK Unified Ideographs: a zh-CN label without one is most likely an untranslated copy. */
const HAN = /\p{Script=Han}/u;

export function checkLossReasons(file: LossReasonsFile): Finding[] {
  const codes = Object.keys(file.reasons);
  return [
    ...checkFallback(file, codes),
    ...Object.entries(file.reasons).flatMap(([code, reason]) => checkReason(code, reason)),
    ...(file.tests ?? []).flatMap((test, i) => {
      const expected = test.expect.lossReason;
      return expected !== undefined && !codes.includes(expected)
        ? [unknownReference(['tests', i, 'expect', 'lossReason'], 'loss reason', expected, codes, 'loss-reasons.yaml reasons')]
        : [];
    }),
  ];
}

function checkFallback(file: LossReasonsFile, codes: readonly string[]): Finding[] {
  const fallback = file.reasons[file.fallback];
  if (!fallback) return [unknownReference(['fallback'], 'loss reason', file.fallback, codes, 'loss-reasons.yaml reasons')];
  if (fallback.retired)
    return [{ path: ['fallback'], at: 'value', severity: 'error', code: 'invalid-value', message: `the fallback "${file.fallback}" is retired, so losses given as free text would have no code`, hint: 'pick a code in use, or un-retire it' }];
  if ((fallback.requires ?? []).includes('competitor'))
    return [{ path: ['reasons', file.fallback, 'requires'], at: 'value', severity: 'error', code: 'invalid-value', message: `the fallback "${file.fallback}" may not require a competitor: a loss given only as free text names none`, hint: 'remove competitor from its requires, or choose another fallback' }];
  return [];
}

function checkReason(code: string, reason: LossReasonsFile['reasons'][string]): Finding[] {
  const findings: Finding[] = [];
  const seen = new Set<string>();
  (reason.requires ?? []).forEach((requirement, i) => {
    if (seen.has(requirement))
      findings.push({ path: ['reasons', code, 'requires', i], at: 'value', severity: 'error', code: 'duplicate-name', message: `"${requirement}" is listed twice`, hint: 'list each requirement once' });
    seen.add(requirement);
  });
  if (!HAN.test(reason.label['zh-CN']))
    findings.push({ path: ['reasons', code, 'label', 'zh-CN'], at: 'value', severity: 'warning', code: 'suspicious', message: `the Simplified Chinese label "${reason.label['zh-CN']}" has no Chinese characters`, hint: 'translate it, e.g. 价格 for price' });
  return findings;
}
