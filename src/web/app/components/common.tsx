import type { ComponentChildren } from 'preact';
import type { ApiError } from '../lib/api';
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
