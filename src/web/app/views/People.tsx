import { useState } from 'preact/hooks';
import { api, ApiError } from '../lib/api';
import { formatDateTime, label, LANGUAGES, t } from '../lib/i18n';
import { useApi } from '../lib/use-api';
import { Loading, Page, Problem } from '../components/common';

interface Person {
  email: string;
  name: string;
  role: string;
  language: string;
  active: boolean;
  stored: boolean;
}

/** RevOps' people list: who is on the team, and an invitation to choose a password for each. */
export function People() {
  const { data, error, loading } = useApi<{ reps: Person[] }>('/api/reps');
  const [sent, setSent] = useState<string | null>(null);
  const [refused, setRefused] = useState<ApiError | null>(null);
  async function invite(person: Person) {
    setSent(null);
    setRefused(null);
    try {
      const answer = await api<{ email: string; expiresAt: string }>(
        `/api/people/${encodeURIComponent(person.email)}/invitation`,
        { method: 'POST' },
      );
      setSent(t('people.invited', { email: answer.email, until: formatDateTime(answer.expiresAt) }));
    } catch (caught) {
      setRefused(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), []));
    }
  }
  const languageName = (code: string) => LANGUAGES.find((l) => l.code === code)?.name ?? code;
  return (
    <Page title={t('people.title')}>
      <p>{t('people.intro')}</p>
      {sent && (
        <p class="notice" role="status">
          {sent}
        </p>
      )}
      <Problem error={refused ?? error} />
      {loading && !data ? (
        <Loading />
      ) : (
        <table class="list">
          <thead>
            <tr>
              <th scope="col">{t('people.name')}</th>
              <th scope="col">{t('people.email')}</th>
              <th scope="col">{t('people.role')}</th>
              <th scope="col">{t('people.language')}</th>
              <th scope="col">{t('app.actions')}</th>
            </tr>
          </thead>
          <tbody>
            {(data?.reps ?? []).map((person) => (
              <tr key={person.email}>
                <td>{person.name}</td>
                <td>{person.email}</td>
                <td>{label('roles', person.role)}</td>
                <td lang={person.language}>{languageName(person.language)}</td>
                <td>
                  {person.stored && person.active ? (
                    <button
                      type="button"
                      aria-label={t('people.inviteLabel', { name: person.name })}
                      onClick={() => void invite(person)}
                    >
                      {t('people.invite')}
                    </button>
                  ) : (
                    <span class="subtle">{person.active ? t('people.notStored') : t('people.inactive')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Page>
  );
}
