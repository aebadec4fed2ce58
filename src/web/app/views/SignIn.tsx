import { useState } from 'preact/hooks';
import { api, ApiError, formText } from '../lib/api';
import { adoptPersonLanguage, t } from '../lib/i18n';
import { LanguageSelect } from '../components/LanguageSelect';
import { keepToken, me, signOut, type Me } from '../lib/session';

interface Session {
  token: string;
  expiresAt: string;
  person: { email: string; language: 'en' | 'zh-CN' };
}

/** The sign-in page: email and password; "forgot password"; and, for integrators, an API token. */
export function SignIn({ notice, email }: { notice?: string; email?: string }) {
  const [mode, setMode] = useState<'password' | 'forgot'>('password');
  return (
    <main id="main" class="signin">
      <h1>{t('signin.title')}</h1>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {mode === 'password' ? (
        <PasswordForm email={email} onForgot={() => setMode('forgot')} />
      ) : (
        <ForgotForm onBack={() => setMode('password')} />
      )}
      <details class="token-signin">
        <summary>{t('signin.withToken')}</summary>
        <TokenForm />
      </details>
      <LanguageSelect showLabel={true} />
    </main>
  );
}

async function enter(token: string, kind: 'session' | 'api-token'): Promise<void> {
  keepToken(token, kind);
  const person = await api<Me>('/api/me');
  await adoptPersonLanguage(person.language);
  me.value = person;
}

function PasswordForm({ email, onForgot }: { email?: string; onForgot: () => void }) {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const body = { email: formText(form, 'email').trim(), password: formText(form, 'password') };
    if (!body.email || !body.password) return setError(t('signin.missing'));
    setBusy(true);
    setError(null);
    try {
      const session = await api<Session>('/api/auth/sessions', { method: 'POST', body });
      await enter(session.token, 'session');
    } catch (caught) {
      signOut();
      const status = caught instanceof ApiError ? caught.status : 0;
      setError(
        status === 401 || status === 400
          ? t('signin.wrongPassword')
          : status === 403
            ? t('signin.deactivated')
            : status === 429
              ? t('signin.tooMany')
              : (caught as Error).message,
      );
    } finally {
      setBusy(false);
    }
  }
  const describedBy = error ? 'password-error' : undefined;
  return (
    <form onSubmit={(event) => void submit(event)} id="signin" noValidate>
      <label for="signin-email">{t('signin.email')}</label>
      <input
        id="signin-email"
        name="email"
        type="email"
        autoComplete="username"
        value={email}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
      <label for="signin-password">{t('signin.password')}</label>
      <input
        id="signin-password"
        name="password"
        type="password"
        autoComplete="current-password"
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
      />
      {error && (
        <p id="password-error" class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('signin.submit')}
      </button>
      <button type="button" class="subtle" onClick={onForgot}>
        {t('signin.forgot')}
      </button>
    </form>
  );
}

function ForgotForm({ onBack }: { onBack: () => void }) {
  const [sent, setSent] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  async function submit(event: Event) {
    event.preventDefault();
    const email = formText(new FormData(event.currentTarget as HTMLFormElement), 'email').trim();
    if (!email) return setError(t('signin.missingEmail'));
    setError(null);
    try {
      await api('/api/auth/password-resets', { method: 'POST', body: { email } });
      setSent(t('signin.resetSent'));
    } catch (caught) {
      setError(
        caught instanceof ApiError && caught.status === 400
          ? t('signin.missingEmail')
          : caught instanceof ApiError && caught.status === 429
            ? t('signin.tooMany')
            : (caught as Error).message,
      );
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)} id="forgot" noValidate>
      <h2>{t('signin.forgotTitle')}</h2>
      <p>{t('signin.forgotIntro')}</p>
      <label for="forgot-email">{t('signin.email')}</label>
      <input
        id="forgot-email"
        name="email"
        type="email"
        autoComplete="username"
        aria-describedby={error ? 'forgot-error' : undefined}
        aria-invalid={error ? true : undefined}
      />
      {error && (
        <p id="forgot-error" class="error" role="alert">
          {error}
        </p>
      )}
      {sent && (
        <p class="notice" role="status">
          {sent}
        </p>
      )}
      <button type="submit">{t('signin.sendLink')}</button>
      <button type="button" class="subtle" onClick={onBack}>
        {t('signin.back')}
      </button>
    </form>
  );
}

/** Signing in with a personal API token (`leadflow tokens create --email you@…`, or the bootstrap admin's file). */
function TokenForm() {
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  async function submit(event: Event) {
    event.preventDefault();
    const token = formText(new FormData(event.currentTarget as HTMLFormElement), 'token').trim();
    if (!token) return setError(t('signin.empty'));
    setBusy(true);
    try {
      await enter(token, 'api-token');
    } catch (caught) {
      signOut();
      setError(caught instanceof ApiError && caught.status === 401 ? t('signin.refused') : (caught as Error).message);
    } finally {
      setBusy(false);
    }
  }
  return (
    <form onSubmit={(event) => void submit(event)} id="token-signin" noValidate>
      <p>{t('signin.intro')}</p>
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
        {t('signin.tokenSubmit')}
      </button>
      <p class="hint">{t('signin.hint')}</p>
    </form>
  );
}
