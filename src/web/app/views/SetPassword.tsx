import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, formText } from '../lib/api';
import { adoptPersonLanguage, t } from '../lib/i18n';
import { LanguageSelect } from '../components/LanguageSelect';

interface LinkView {
  person: { email: string; name: string; language: 'en' | 'zh-CN' };
  purpose: 'invitation' | 'reset';
  expiresAt: string;
}

/**
 * The page an invitation or reset email links to (`/set-password#lf_…`): the secret is in the
 * fragment, which browsers never send to a server. The person chooses a password; then they sign in.
 */
export function SetPassword({ onDone }: { onDone: (email: string) => void }) {
  const secret = location.hash.slice(1);
  const [link, setLink] = useState<LinkView | null>(null);
  const [gone, setGone] = useState(false);
  const [errors, setErrors] = useState<{ password?: string; confirm?: string; form?: string }>({});
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    api<LinkView>('/api/auth/links/lookup', { method: 'POST', body: { token: secret } })
      .then(async (found) => {
        await adoptPersonLanguage(found.person.language);
        setLink(found);
      })
      .catch(() => setGone(true));
  }, [secret]);

  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const password = formText(form, 'password');
    if ([...password].length < 12) return setErrors({ password: t('password.tooShort') });
    if (password !== formText(form, 'confirm')) return setErrors({ confirm: t('password.mismatch') });
    setBusy(true);
    setErrors({});
    try {
      await api('/api/auth/password', { method: 'POST', body: { token: secret, password } });
      history.replaceState(null, '', '/');
      onDone(link?.person.email ?? '');
    } catch (caught) {
      if (caught instanceof ApiError && caught.status === 404) setGone(true);
      else if (caught instanceof ApiError && caught.status === 422)
        setErrors({ password: t('password.containsEmail') });
      else if (caught instanceof ApiError && caught.status === 400) setErrors({ password: t('password.tooShort') });
      else setErrors({ form: (caught as Error).message });
    } finally {
      setBusy(false);
    }
  }

  if (gone)
    return (
      <main id="main" class="signin">
        <h1>{t('password.goneTitle')}</h1>
        <p>{t('password.gone')}</p>
        <p>
          <a href="/">{t('password.toSignIn')}</a>
        </p>
      </main>
    );
  if (!link) return <p class="loading">{t('app.loading')}</p>;
  return (
    <main id="main" class="signin">
      <h1>{t(link.purpose === 'invitation' ? 'password.welcomeTitle' : 'password.resetTitle')}</h1>
      <p>{t('password.intro', { name: link.person.name, email: link.person.email })}</p>
      <form onSubmit={(event) => void submit(event)} id="set-password" noValidate>
        <input type="email" name="username" value={link.person.email} autoComplete="username" hidden readOnly />
        <label for="new-password">{t('password.new')}</label>
        <input
          id="new-password"
          name="password"
          type="password"
          autoComplete="new-password"
          aria-describedby={errors.password ? 'new-password-error new-password-hint' : 'new-password-hint'}
          aria-invalid={errors.password ? true : undefined}
        />
        <p id="new-password-hint" class="hint">
          {t('password.rules')}
        </p>
        {errors.password && (
          <p id="new-password-error" class="error" role="alert">
            {errors.password}
          </p>
        )}
        <label for="confirm-password">{t('password.confirm')}</label>
        <input
          id="confirm-password"
          name="confirm"
          type="password"
          autoComplete="new-password"
          aria-describedby={errors.confirm ? 'confirm-password-error' : undefined}
          aria-invalid={errors.confirm ? true : undefined}
        />
        {errors.confirm && (
          <p id="confirm-password-error" class="error" role="alert">
            {errors.confirm}
          </p>
        )}
        {errors.form && (
          <p class="error" role="alert">
            {errors.form}
          </p>
        )}
        <button type="submit" disabled={busy}>
          {t('password.save')}
        </button>
      </form>
      <LanguageSelect showLabel={true} />
    </main>
  );
}
