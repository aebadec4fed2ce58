import { useEffect, useRef } from 'preact/hooks';
import { api, formText } from '../../lib/api';
import { t } from '../../lib/i18n';
import { useSubmit } from '../../lib/use-submit';
import { refreshRuleLabels } from '../../lib/rule-labels';
import { Problem } from '../../components/common';
import { short } from './types';

/**
 * Making a stored version live (a rollback): a modal dialog asks why (required, for the audit
 * trail) and is the confirmation. The API's refusal (the version's own rule tests fail today, an
 * unknown hash) stays in the dialog with each problem it names.
 */
export function ActivateDialog({
  hash,
  live,
  onCancel,
  onDone,
}: {
  hash: string;
  live: string | null;
  onCancel: () => void;
  onDone: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => {
    const opener = document.activeElement;
    dialog.current?.showModal();
    // The focus goes back to the button that opened the dialog (if it is still there: a version made live has none).
    return () => {
      if (opener instanceof HTMLElement && opener.isConnected) opener.focus();
    };
  }, []);
  const submit = useSubmit(
    async (form) => {
      const activated = await api('/api/rules/activations', {
        method: 'POST',
        body: { hash, reason: formText(form, 'reason') },
      });
      // The new version's labels (a renamed tier, queue or pool) show at once, on this page and the next.
      await refreshRuleLabels();
      return activated;
    },
    { done: onDone },
  );
  const reasonError = submit.fieldError('reason');
  return (
    <dialog ref={dialog} aria-labelledby="activate-title" onCancel={onCancel} class="confirm">
      <form onSubmit={submit.onSubmit} class="stack-form">
        <h2 id="activate-title">{t('rules.activate.title', { hash: short(hash) })}</h2>
        <p>
          {live
            ? t('rules.activate.fromTo', { from: short(live), to: short(hash) })
            : t('rules.activate.noLive', { to: short(hash) })}
        </p>
        <label>
          {t('rules.activate.reason')}
          <textarea name="reason" required maxLength={500} rows={3} aria-invalid={reasonError ? true : undefined} />
          {reasonError && <span class="field-error">{reasonError}</span>}
        </label>
        <Problem error={submit.error} />
        <div class="actions">
          <button type="submit" disabled={submit.busy}>
            {t('rules.activate.confirm')}
          </button>
          <button type="button" class="subtle" onClick={onCancel}>
            {t('app.notNow')}
          </button>
        </div>
      </form>
    </dialog>
  );
}
