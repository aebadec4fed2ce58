import { useState } from 'preact/hooks';
import { api, formText, query } from '../lib/api';
import { formatDateTime, t } from '../lib/i18n';
import { materialName, type Material } from '../lib/materials';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { Empty, Loading, Problem } from './common';

interface Share {
  id: string;
  material: { title: string; type: string; url: string | null; version: number };
  latestVersion: number;
  sharedBy: string;
  sharedAt: string;
}

/** Materials sent to the deal's people, newest first, with a note when a newer version exists. */
function SharedList({ shares }: { shares: Share[] }) {
  if (shares.length === 0) return <Empty>{t('deal.noMaterials')}</Empty>;
  return (
    <ul class="items" id="materials">
      {shares.map((s) => (
        <li key={s.id}>
          {s.material.url ? (
            <a href={s.material.url} rel="noreferrer">
              {s.material.title}
            </a>
          ) : (
            s.material.title
          )}{' '}
          <span class="subtle">
            v{s.material.version} · {formatDateTime(s.sharedAt)} · {s.sharedBy}
          </span>
          {s.latestVersion > s.material.version && (
            <span class="warning"> · {t('deal.newerVersion', { version: s.latestVersion })}</span>
          )}
        </li>
      ))}
    </ul>
  );
}

/**
 * Sending a material from the library to the deal: searched by text (the API's `q`), chosen by its
 * latest version (that exact version is recorded), optionally to one stakeholder.
 */
function ShareMaterial({
  dealId,
  people,
  done,
}: {
  dealId: string;
  people: { id: string; name: string }[];
  done: () => void;
}) {
  const [search, setSearch] = useState('');
  const [chosen, setChosen] = useState('');
  // Nothing chosen is said here, in the person's language, rather than sent for the API's refusal.
  const [unchosen, setUnchosen] = useState(false);
  const library = useApi<{ materials: Material[] }>(`/api/materials${query({ q: search.trim() })}`);
  const { error, fieldError, busy, ok, onSubmit } = useSubmit(
    (form) => {
      const contactId = formText(form, 'contactId');
      return api(`/api/deals/${dealId}/materials`, {
        method: 'POST',
        body: { ...(chosen ? { materialId: chosen } : {}), ...(contactId ? { contactId } : {}) },
      });
    },
    {
      done: () => {
        setChosen('');
        done();
      },
    },
  );
  const materials = library.data?.materials ?? [];
  const materialError = unchosen ? t('materials.chooseFirst') : (fieldError('materialId') ?? fieldError('materialKey'));
  const submit = (event: Event) => {
    setUnchosen(!chosen);
    if (chosen) onSubmit(event);
    else event.preventDefault();
  };
  const contactError = fieldError('contactId');
  return (
    <form class="grid-form" id="share-material" aria-labelledby="share-material-title" onSubmit={submit} noValidate>
      <h3 id="share-material-title" class="visually-hidden">
        {t('materials.share')}
      </h3>
      <label>
        {t('materials.search')}
        <input
          type="search"
          value={search}
          placeholder={t('materials.searchHint')}
          onInput={(event) => setSearch(event.currentTarget.value)}
          // Enter in the search narrows the list; it does not send what is chosen.
          onKeyDown={(event) => event.key === 'Enter' && event.preventDefault()}
        />
      </label>
      <label>
        {t('materials.material')}
        <select
          name="materialId"
          value={chosen}
          onChange={(event) => {
            setChosen(event.currentTarget.value);
            setUnchosen(false);
          }}
          aria-invalid={materialError ? true : undefined}
        >
          <option value="">
            {library.loading && !library.data ? t('app.loading') : t('materials.choose', { count: materials.length })}
          </option>
          {materials.map((m) => (
            <option key={m.id} value={m.id}>
              {materialName(m)}
            </option>
          ))}
        </select>
        {materialError && <span class="field-error">{materialError}</span>}
      </label>
      <label>
        {t('materials.to')}
        <select name="contactId" aria-invalid={contactError ? true : undefined}>
          <option value="">{t('materials.noStakeholder')}</option>
          {people.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </select>
        {contactError && <span class="field-error">{contactError}</span>}
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('materials.send')}
        </button>
        {ok && (
          <span role="status" class="ok">
            {t('materials.sent')}
          </span>
        )}
      </div>
      <Problem error={library.error ?? error} />
    </form>
  );
}

/** The deal's materials card: what was sent, and (for those who may) sending another. */
export function DealMaterials({
  dealId,
  people,
  canShare,
  changed,
}: {
  dealId: string;
  people: { id: string; name: string }[];
  canShare: boolean;
  /** Called after a send: the deal's timeline has a new entry. */
  changed: () => void;
}) {
  const { data, error, reload } = useApi<{ shares: Share[] }>(`/api/deals/${dealId}/materials`);
  return (
    <>
      {error ? <Problem error={error} /> : data ? <SharedList shares={data.shares} /> : <Loading />}
      {canShare && (
        <details>
          <summary>{t('materials.share')}</summary>
          <ShareMaterial
            dealId={dealId}
            people={people}
            done={() => {
              reload();
              changed();
            }}
          />
        </details>
      )}
    </>
  );
}
