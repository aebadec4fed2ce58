import type { ComponentChildren } from 'preact';
import { useEffect, useRef, useState } from 'preact/hooks';
import { ApiError, download } from '../lib/api';
import { label, t } from '../lib/i18n';

export function Loading() {
  return (
    <p class="loading" role="status">
      {t('app.loading')}
    </p>
  );
}

/** An API refusal, with its field-level messages, announced to screen readers. */
export function Problem({ error, id }: { error: ApiError | null; id?: string }) {
  if (!error) return null;
  return (
    <div class="error" role="alert" id={id}>
      <p>{error.status === 0 ? t('errors.network') : error.message}</p>
      {error.fields.length > 0 && (
        <ul>
          {error.fields.map((field, i) => (
            <li key={i}>
              {field.path && field.path !== 'stage' ? <code>{field.path}</code> : null} {field.message}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Page({
  title,
  children,
  actions,
}: {
  title: ComponentChildren;
  children: ComponentChildren;
  actions?: ComponentChildren;
}) {
  return (
    <main id="main" tabIndex={-1}>
      <div class="page-head">
        <h1>{title}</h1>
        {actions && <div class="actions">{actions}</div>}
      </div>
      {children}
    </main>
  );
}

export function StageBadge({ stage }: { stage: string }) {
  return <span class={`badge stage-${stage}`}>{label('stages', stage)}</span>;
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

export function personName(lead: {
  firstName?: string | null;
  lastName?: string | null;
  email?: string | null;
}): string {
  const name = [lead.firstName, lead.lastName].filter(Boolean).join(' ');
  return name || lead.email || '—';
}

/**
 * Asks before an action others will notice (an email to attendees or the customer): a modal
 * dialog that keeps the focus, with the action's own words on its button.
 */
export function Confirm({
  title,
  children,
  confirm,
  busy,
  error,
  onConfirm,
  onCancel,
}: {
  title: string;
  children?: ComponentChildren;
  confirm: string;
  busy?: boolean;
  /** The API's refusal of the action, shown in the dialog (the page behind it is inert). */
  error?: ApiError | null;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const dialog = useRef<HTMLDialogElement>(null);
  useEffect(() => dialog.current?.showModal(), []);
  return (
    <dialog ref={dialog} aria-labelledby="confirm-title" onCancel={onCancel} class="confirm">
      <h2 id="confirm-title">{title}</h2>
      {children}
      <Problem error={error ?? null} />
      <div class="actions">
        <button type="button" disabled={busy} onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" class="subtle" onClick={onCancel}>
          {t('app.notNow')}
        </button>
      </div>
    </dialog>
  );
}

/** A labelled text input with the API's message for it beside it (marked invalid while there is one). */
export function TextField({
  label: text,
  error,
  name,
  type,
  required,
  maxLength,
  defaultValue,
}: {
  label: string;
  error: string | undefined;
  name: string;
  type?: 'email';
  required?: boolean;
  maxLength?: number;
  defaultValue?: string;
}) {
  const attributes = { name, required, maxLength, defaultValue, 'aria-invalid': error ? true : undefined };
  return (
    <label>
      {text}
      {type === 'email' ? <input type="email" {...attributes} /> : <input {...attributes} />}
      {error && <span class="field-error">{error}</span>}
    </label>
  );
}

/**
 * A button that downloads what `path` answers as the file `filename` (lib/api.ts download), and
 * shows the refusal beside it when there is one.
 */
export function DownloadButton({
  path,
  accept,
  filename,
  name,
  children,
}: {
  path: string;
  accept: string;
  filename: string;
  /** The accessible name, when the visible text alone does not say what is downloaded. */
  name?: string;
  children: ComponentChildren;
}) {
  const [error, setError] = useState<ApiError | null>(null);
  async function save() {
    try {
      await download(path, { accept, filename });
      setError(null);
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), []));
    }
  }
  return (
    <>
      <button type="button" class="subtle" aria-label={name} onClick={() => void save()}>
        {children}
      </button>
      <Problem error={error} />
    </>
  );
}
