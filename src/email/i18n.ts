/**
 * The languages leadflow writes its own emails in, and their message catalogues: JSON files in
 * ./messages (one per language, the same keys), read through i18next, the library the browser
 * workspace uses too, so both share one catalogue format. Dates go through `Intl` for the
 * recipient's locale. RevOps' cadence templates (rules/cadences.yaml) are not here.
 */
import i18next, { type TFunction } from 'i18next';
import en from './messages/en.json' with { type: 'json' };
import zhCN from './messages/zh-CN.json' with { type: 'json' };
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from '../domain/languages';

export {
  DEFAULT_LANGUAGE,
  LANGUAGES,
  languageFromAcceptLanguage,
  languageOf,
  type Language,
} from '../domain/languages';

const catalogue = i18next.createInstance();
void catalogue.init({
  resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
  lng: DEFAULT_LANGUAGE,
  fallbackLng: DEFAULT_LANGUAGE,
  supportedLngs: [...LANGUAGES],
  // Plain-text email: nothing is HTML-escaped here (the HTML part escapes for itself).
  interpolation: { escapeValue: false },
  returnNull: false,
  initAsync: false,
});

/** The messages of one language. */
export function messagesFor(language: Language): TFunction {
  return catalogue.getFixedT(language);
}

/** A moment as the recipient reads it, with its zone: "Thursday, December 10, 2026 at 3:00 PM UTC" / "2026年12月10日星期四 UTC 15:00". */
export function formatDateTime(at: Date, language: Language, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat(language, {
    weekday: 'long',
    year: 'numeric',
    month: 'long',
    day: 'numeric',
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: validTimeZone(timeZone),
  }).format(at);
}

/** Only the time of day, with its zone (the end of a meeting on the same day): "4:00 PM UTC" / "UTC 16:00". */
export function formatTime(at: Date, language: Language, timeZone = 'UTC'): string {
  return new Intl.DateTimeFormat(language, {
    hour: 'numeric',
    minute: '2-digit',
    timeZoneName: 'short',
    timeZone: validTimeZone(timeZone),
  }).format(at);
}

/** How far ahead something is, in the largest whole unit: "in 1 day", "in 90 minutes" / "1天后". */
export function formatLeadTime(ms: number, language: Language): string {
  const units = [
    ['day', 86_400_000],
    ['hour', 3_600_000],
    ['minute', 60_000],
  ] as const;
  const [unit, size] = units.find(([, size]) => ms % size === 0) ?? units[2];
  return new Intl.RelativeTimeFormat(language, { numeric: 'always' }).format(Math.round(ms / size), unit);
}

/** Whether two moments fall on the same calendar day in a zone. */
export function sameLocalDay(a: Date, b: Date, timeZone = 'UTC'): boolean {
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: validTimeZone(timeZone), dateStyle: 'short' });
  return day.format(a) === day.format(b);
}

function validTimeZone(timeZone: string): string {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return timeZone;
  } catch {
    return 'UTC';
  }
}

/** A duration as the recipient reads it: "30 days" / "30 天", "2 business days" / "2 个工作日". */
export function formatDuration(duration: { amount: number; unit: string }, language: Language): string {
  return messagesFor(language)(`duration.${duration.unit}`, { count: duration.amount });
}
