import { useEffect, useRef, useState } from 'preact/hooks';
import { api, formText, query } from '../lib/api';
import { formatDateTime, label, t } from '../lib/i18n';
import { MATERIAL_TYPES, publishesMaterials } from '../lib/material-policy';
import type { Material } from '../lib/materials';
import { me } from '../lib/session';
import { useApi } from '../lib/use-api';
import { useSubmit } from '../lib/use-submit';
import { Empty, Loading, Page, Problem, TextField } from '../components/common';

/** "pricing, enterprise" → ["pricing", "enterprise"] (the API lowercases and removes repeats). */
const tagsFrom = (text: string) =>
  text
    .split(',')
    .map((tag) => tag.trim())
    .filter(Boolean);

/**
 * Publishing a version: a new key is version 1; an existing key's next version (the form starts
 * from `base`, the version shown, when the person chose "New version" on it).
 */
function PublishMaterial({ base, done }: { base: Material | null; done: (published: Material) => void }) {
  const { error, fieldError, busy, answer, onSubmit } = useSubmit<Material>(
    (form) =>
      api<Material>('/api/materials', {
        method: 'POST',
        body: {
          key: formText(form, 'key').trim(),
          title: formText(form, 'title'),
          type: formText(form, 'type'),
          url: formText(form, 'url').trim(),
          tags: tagsFrom(formText(form, 'tags')),
        },
      }),
    { done },
  );
  const form = useRef<HTMLFormElement>(null);
  // "New version" on a row brings the person to the form, ready to change what is new.
  useEffect(() => {
    if (base) form.current?.querySelector<HTMLInputElement>('input[name=title]')?.focus();
  }, [base]);
  const tagsError = error?.fields.find((f) => f.path === 'tags' || f.path.startsWith('tags.'))?.message;
  const typeError = fieldError('type');
  return (
    <form
      key={base?.id ?? 'new'}
      ref={form}
      class="grid-form"
      id="publish-material"
      aria-labelledby="publish-material-title"
      onSubmit={onSubmit}
      noValidate
    >
      <h3 id="publish-material-title">
        {base ? t('materials.newVersionOf', { title: base.title }) : t('materials.publish')}
      </h3>
      <TextField
        label={t('materials.key')}
        error={fieldError('key')}
        name="key"
        required
        maxLength={100}
        defaultValue={base?.key ?? ''}
      />
      <TextField
        label={t('materials.titleField')}
        error={fieldError('title')}
        name="title"
        required
        maxLength={200}
        defaultValue={base?.title ?? ''}
      />
      <label>
        {t('materials.type')}
        <select name="type" aria-invalid={typeError ? true : undefined}>
          {MATERIAL_TYPES.map((type) => (
            <option key={type} value={type} selected={type === (base?.type ?? 'deck')}>
              {label('materialTypes', type)}
            </option>
          ))}
        </select>
        {typeError && <span class="field-error">{typeError}</span>}
      </label>
      <TextField label={t('materials.url')} error={fieldError('url')} name="url" required maxLength={2000} />
      <label>
        {t('materials.tags')} <span class="subtle">{t('materials.tagsHint')}</span>
        <input name="tags" defaultValue={base?.tags.join(', ') ?? ''} aria-invalid={tagsError ? true : undefined} />
        {tagsError && <span class="field-error">{tagsError}</span>}
      </label>
      <div class="actions">
        <button type="submit" disabled={busy}>
          {t('materials.publishButton')}
        </button>
        {answer && (
          <span role="status" class="ok">
            {t('materials.published', { title: answer.title, version: answer.version })}
          </span>
        )}
      </div>
      <Problem error={error} />
    </form>
  );
}

/** The library: every material's latest version, searched by text and type; publishers add versions. */
export function MaterialsLibrary() {
  const [search, setSearch] = useState('');
  const [type, setType] = useState('');
  const [base, setBase] = useState<Material | null>(null);
  const { data, error, reload } = useApi<{ materials: Material[] }>(
    `/api/materials${query({ q: search.trim(), type })}`,
  );
  const publishes = publishesMaterials(me.value);
  return (
    <Page title={t('materials.title')}>
      <p class="lede">{t('materials.intro')}</p>
      <form class="filters" role="search" onSubmit={(event) => event.preventDefault()}>
        <label>
          {t('materials.search')}
          <input
            id="material-search"
            type="search"
            value={search}
            placeholder={t('materials.searchHint')}
            onInput={(event) => setSearch(event.currentTarget.value)}
          />
        </label>
        <label>
          {t('materials.type')}
          <select id="material-type" value={type} onChange={(event) => setType(event.currentTarget.value)}>
            <option value="">{t('materials.anyType')}</option>
            {MATERIAL_TYPES.map((each) => (
              <option key={each} value={each}>
                {label('materialTypes', each)}
              </option>
            ))}
          </select>
        </label>
      </form>
      <Problem error={error} />
      {!data && !error ? (
        <Loading />
      ) : data && data.materials.length === 0 ? (
        <Empty>{t('materials.none')}</Empty>
      ) : (
        data && (
          <table class="list" id="material-list">
            <caption class="visually-hidden">{t('materials.title')}</caption>
            <thead>
              <tr>
                <th scope="col">{t('materials.titleField')}</th>
                <th scope="col">{t('materials.type')}</th>
                <th scope="col">{t('materials.version')}</th>
                <th scope="col">{t('materials.tags')}</th>
                <th scope="col">{t('materials.publishedBy')}</th>
                {publishes && (
                  <th scope="col">
                    <span class="visually-hidden">{t('app.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {data.materials.map((m) => (
                <tr key={m.id}>
                  <td>
                    <a href={m.url} rel="noreferrer">
                      {m.title}
                    </a>
                    <div class="subtle">{m.key}</div>
                  </td>
                  <td>{label('materialTypes', m.type)}</td>
                  <td>v{m.version}</td>
                  <td>{m.tags.join(', ')}</td>
                  <td>
                    {m.createdBy ?? '—'}
                    <div class="subtle">{formatDateTime(m.createdAt)}</div>
                  </td>
                  {publishes && (
                    <td>
                      <button
                        type="button"
                        class="subtle"
                        onClick={() => setBase(m)}
                        aria-label={t('materials.newVersionOf', { title: m.title })}
                      >
                        {t('materials.newVersion')}
                      </button>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )
      )}
      {publishes && (
        <section class="card" aria-label={t('materials.publish')}>
          <PublishMaterial
            base={base}
            done={() => {
              setBase(null);
              reload();
            }}
          />
        </section>
      )}
    </Page>
  );
}
