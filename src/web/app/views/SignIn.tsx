import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { t } from '../lib/i18n';
import { LanguageSelect } from '../components/LanguageSelect';
import { keepToken, me, signOut, type Me } from '../lib/session';

/** Signing in with a personal API token (`leadflow tokens create --email you@…` or a colleague in RevOps). */
export function SignIn() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const token = new FormData(event.currentTarget as HTMLFormElement).get('token');
    if (typeof token !== 'string' || !token.trim()) return setError(t('signin.empty'));
    setBusy(true);
    keepToken(token.trim());
    try {
      me.value = await api<Me>('/api/me');
    } catch (caught) {
      signOut();
      setError(caught instanceof ApiError && caught.status === 401 ? t('signin.refused') : (caught as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <main id="main" class="signin">
      <h1>{t('signin.title')}</h1>
      <p>{t('signin.intro')}</p>
      <form onSubmit={(event) => void submit(event)} id="signin" noValidate>
        <label for="token">{t('signin.token')}</label>
        <input
          id="token"
          name="token"
          type="password"
          autoComplete="off"
          placeholder="lf_…"
          aria-describedby={error ? 'signin-error' : undefined}
          aria-invalid={error ? true : undefined}
        />
        {error && (
          <p id="signin-error" class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('signin.submit')}
        </button>
      </form>
      <p class="hint">{t('signin.hint')}</p>
      <LanguageSelect showLabel={true} />
    </main>
  );
}
