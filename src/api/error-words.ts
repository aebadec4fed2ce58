/**
 * The API's refusals the workspace meets most, in the caller's language (Accept-Language; the
 * workspace sends its own): a stale revision, a write without one, a refused stage move, the
 * database being down. English is what the use-cases wrote, with the record named; the
 * Chinese is per error code, with the values the answer already carries (the current revision).
 * Other refusals, and zod's field messages, stay English.
 */
import type { Language } from '../domain/languages';
import type { FieldError } from './errors';

export interface ErrorAnswer {
  code: string;
  message: string;
  fields?: FieldError[];
}

/** Chinese messages by error code; `{revision}` is the current revision the answer names. */
const ZH_CN: Record<string, { message: string; revisionField?: string }> = {
  stale_revision: {
    message: '该记录在您读取之后已被他人修改（当前版本 {revision}）。请重新加载，再次修改后保存。',
    revisionField: '当前版本为 {revision}',
  },
  precondition_required: { message: '请求缺少它所依据的版本（If-Match）。请重新加载后再试。' },
  stage_refused: { message: '规则不允许进入该阶段：以下条件尚未满足。' },
  database_unavailable: { message: '数据库暂时无法连接，请稍后重试。' },
};

/** The message for `key` in Chinese, or null when it has none. */
export function chineseMessage(key: string): string | null {
  return ZH_CN[key]?.message ?? null;
}

/** An error answer in `language`: English as written, Chinese for the codes above. */
export function answerIn(answer: ErrorAnswer, language: Language): ErrorAnswer {
  const words = language === 'zh-CN' ? ZH_CN[answer.code] : undefined;
  if (!words) return answer;
  const revision = currentRevision(answer.fields);
  const fill = (text: string) => text.replace('{revision}', revision ?? '?');
  return {
    ...answer,
    message: revision === null ? fill(words.message).replace('（当前版本 ?）', '') : fill(words.message),
    ...(answer.fields
      ? {
          fields: answer.fields.map((field) =>
            field.path === 'revision' && words.revisionField && revision !== null
              ? { ...field, message: fill(words.revisionField) }
              : field,
          ),
        }
      : {}),
  };
}

/** "the current revision is 3" → "3" (the use-cases name it so on the `revision` field). */
function currentRevision(fields: FieldError[] | undefined): string | null {
  const field = fields?.find((f) => f.path === 'revision');
  return field ? (/(\d+)\s*$/.exec(field.message)?.[1] ?? null) : null;
}
