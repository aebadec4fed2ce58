import { api } from '../lib/api';
import { LANGUAGES, language, switchLanguage, t, type Language } from '../lib/i18n';
import { me } from '../lib/session';

/** The language list: switches at once, is remembered in this browser, and saved to the signed-in person. */
export function LanguageSelect({ showLabel }: { showLabel: boolean }) {
  async function choose(code: Language) {
    await switchLanguage(code);
    if (me.value?.kind === 'person')
      await api('/api/me', { method: 'PATCH', body: { language: code } }).then(
        () => undefined,
        () => undefined,
      );
  }
  return (
    <label class="language">
      <span class={showLabel ? undefined : 'visually-hidden'}>{t('app.language')}</span>
      <select
        id="language"
        value={language.value}
        onChange={(event) => void choose(event.currentTarget.value as Language)}
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
