/**
 * The languages leadflow writes to people in (emails; the workspace has the same two), and how a
 * stored value or an `Accept-Language` header becomes one. Pure: safe in workflow code.
 */
export const LANGUAGES = ['en', 'zh-CN'] as const;
export type Language = (typeof LANGUAGES)[number];

/** The default when nobody said otherwise. */
export const DEFAULT_LANGUAGE: Language = 'en';

/** A stored or requested language, or the default when it is not one leadflow writes. */
export function languageOf(value: string | null | undefined): Language {
  return (LANGUAGES as readonly string[]).includes(value ?? '') ? (value as Language) : DEFAULT_LANGUAGE;
}

/**
 * The language an `Accept-Language` header prefers among {@link LANGUAGES} (RFC 9110 §12.5.4:
 * by q-value, then order); `zh`, `zh-CN`, `zh-Hans` and `zh-SG` read as Simplified Chinese.
 * Null when it names none of them.
 */
export function languageFromAcceptLanguage(header: string | undefined): Language | null {
  if (!header) return null;
  const ranked = header
    .split(',')
    .map((part, index) => {
      const [tag = '', ...params] = part.trim().split(';');
      const q = params.map((p) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(p)?.[1]).find(Boolean);
      return { tag: tag.trim().toLowerCase(), q: q === undefined ? 1 : Number(q), index };
    })
    .filter((entry) => entry.tag && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index);
  for (const { tag } of ranked) {
    if (tag === 'en' || tag.startsWith('en-')) return 'en';
    if (tag === 'zh' || tag === 'zh-cn' || tag === 'zh-sg' || tag.startsWith('zh-hans')) return 'zh-CN';
  }
  return null;
}
