import { LANGUAGES, language, switchLanguage, t, type Language } from '../lib/i18n';

/** The language list: switches at once and is remembered in this browser. */
export function LanguageSelect({ showLabel }: { showLabel: boolean }) {
  return (
    <label class="language">
      <span class={showLabel ? undefined : 'visually-hidden'}>{t('app.language')}</span>
      <select
        id="language"
        value={language.value}
        onChange={(event) => void switchLanguage(event.currentTarget.value as Language)}
      >
        {LANGUAGES.map((l) => (
          <option key={l.code} value={l.code} lang={l.code}>
            {l.name}
          </option>
        ))}
      </select>
    </label>
  );
}
