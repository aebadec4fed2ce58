/**
 * Languages: English and Simplified Chinese, switchable at any time. Messages come from
 * i18next (locales/*.json); numbers, money, dates and relative times from the browser's Intl for
 * the chosen locale, so "¥1,200.00" and "3天前" need no hand-made formatting.
 */
import i18next from 'i18next';
import { signal } from '@preact/signals';
import en from '../locales/en.json';
import zhCN from '../locales/zh-CN.json';

export const LANGUAGES = [
  { code: 'en', name: 'English' },
  { code: 'zh-CN', name: '简体中文' },
] as const;
export type Language = (typeof LANGUAGES)[number]['code'];

const LANGUAGE_KEY = 'leadflow.language';

/** The chosen language: re-renders whatever reads it. */
export const language = signal<Language>('en');

/** The language chosen explicitly in this browser, if any. */
function chosenHere(): Language | null {
  const stored = localStorage.getItem(LANGUAGE_KEY);
  return stored === 'en' || stored === 'zh-CN' ? stored : null;
}

/** An explicit choice in this browser, else the browser's own languages. */
function initialLanguage(): Language {
  return chosenHere() ?? (navigator.languages.some((tag) => tag.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en');
}

/**
 * The signed-in person's stored language (or an emailed link's person's), used unless a language
 * was chosen explicitly in this browser, which wins. It is not remembered as a choice here.
 */
export async function adoptPersonLanguage(code: string | null | undefined): Promise<void> {
  if (chosenHere() || (code !== 'en' && code !== 'zh-CN') || code === language.value) return;
  await i18next.changeLanguage(code);
  applyLanguage(code);
}

export async function startI18n(): Promise<void> {
  const chosen = initialLanguage();
  await i18next.init({
    lng: chosen,
    fallbackLng: 'en',
    resources: { en: { translation: en }, 'zh-CN': { translation: zhCN } },
    interpolation: { escapeValue: false },
    returnNull: false,
  });
  applyLanguage(chosen);
}

function applyLanguage(code: Language): void {
  language.value = code;
  document.documentElement.lang = code;
  document.title = i18next.t('app.title');
}

export async function switchLanguage(code: Language): Promise<void> {
  localStorage.setItem(LANGUAGE_KEY, code);
  await i18next.changeLanguage(code);
  applyLanguage(code);
}

/** A message in the current language. Reading `language` subscribes the component to switches. */
export function t(key: string, values?: Record<string, unknown>): string {
  void language.value;
  return i18next.t(key, values ?? {});
}

/** A message that may be missing (a stage or role name from the rules): the key's last part otherwise. */
export function label(group: string, value: string): string {
  void language.value;
  const key = `${group}.${value}`;
  return i18next.exists(key) ? i18next.t(key) : value.replace(/-/g, ' ');
}

export function formatNumber(value: number, options?: Intl.NumberFormatOptions): string {
  return new Intl.NumberFormat(language.value, options).format(value);
}

/** Money from minor units (what the API stores) in `currency`, with the currency's own decimals. */
export function formatMoney(minor: number | string | null | undefined, currency: string): string {
  if (minor === null || minor === undefined) return '—';
  const digits =
    new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  const major = Number(minor) / 10 ** digits;
  return new Intl.NumberFormat(language.value, { style: 'currency', currency }).format(major);
}

/** A money amount given as a decimal string ("1200.00") in `currency`. */
export function formatDecimalMoney(amount: string | null | undefined, currency: string): string {
  if (amount === null || amount === undefined) return '—';
  return new Intl.NumberFormat(language.value, { style: 'currency', currency }).format(Number(amount));
}

export function formatDateTime(iso: string | null | undefined, zone?: string): string {
  if (!iso) return '—';
  return new Intl.DateTimeFormat(language.value, {
    dateStyle: 'medium',
    timeStyle: 'short',
    ...(zone ? { timeZone: zone } : {}),
  }).format(new Date(iso));
}

/** A calendar date (YYYY-MM-DD, no time zone) in the locale's words. */
export function formatDate(day: string | null | undefined): string {
  if (!day) return '—';
  const [y, m, d] = day.slice(0, 10).split('-').map(Number);
  return new Intl.DateTimeFormat(language.value, { dateStyle: 'medium', timeZone: 'UTC' }).format(
    new Date(Date.UTC(y!, m! - 1, d)),
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600e3],
  ['month', 30 * 24 * 3600e3],
  ['week', 7 * 24 * 3600e3],
  ['day', 24 * 3600e3],
  ['hour', 3600e3],
  ['minute', 60e3],
];

/** "3 days ago", "in 2 hours", "3天前": relative to `now`. */
export function formatRelative(iso: string | null | undefined, now = new Date()): string {
  if (!iso) return '—';
  const delta = new Date(iso).getTime() - now.getTime();
  const format = new Intl.RelativeTimeFormat(language.value, { numeric: 'auto' });
  for (const [unit, size] of UNITS) if (Math.abs(delta) >= size) return format.format(Math.round(delta / size), unit);
  return format.format(Math.round(delta / 1000), 'second');
}
