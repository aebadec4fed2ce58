import { t } from '../../lib/i18n';
import { useApi } from '../../lib/use-api';

/**
 * The place of the shadow report (a candidate run beside the live rules on live traffic). Its API
 * (POST/GET /api/rules/shadows, GET /api/rules/shadows/{id}) is being built separately: until it
 * answers, the section is not rendered at all (the router answers 404; a person it refuses gets a
 * 403). The report itself belongs in components/ShadowReport.tsx, written against that API's
 * shapes once they exist; nothing here guesses them.
 */
export function ShadowSection() {
  const shadows = useApi<unknown>('/api/rules/shadows');
  if (!shadows.data) return null;
  return (
    <section aria-labelledby="rules-shadow">
      <h2 id="rules-shadow">{t('rules.shadow.title')}</h2>
      <p class="hint">{t('rules.shadow.pending')}</p>
    </section>
  );
}
