import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError } from './api';

export interface PagedList<T> {
  /** Every row read so far, first page first; null until the first page arrives. */
  items: T[] | null;
  /** More rows exist: `more()` reads the next page. */
  hasMore: boolean;
  error: ApiError | null;
  loading: boolean;
  /** Appends the next page (the API's `nextCursor`, passed back as `cursor`). */
  more: () => Promise<void>;
  /** Reads the first page again. */
  reload: () => void;
  /** Changes the rows shown without reading anything (a row acted on, say). */
  update: (change: (items: T[]) => T[]) => void;
}

/**
 * A keyset-paged list (`GET path` answering `{ [key]: T[], nextCursor }`): the first page, and the
 * next ones appended on `more()`. A new `path` (other filters) starts again from its first page;
 * an answer for a path no longer shown is dropped, so a slow old answer never replaces a new one.
 * `debounceMs` waits for typing to settle before the first page is read.
 */
export function usePaged<T>(path: string | null, key: string, options: { debounceMs?: number } = {}): PagedList<T> {
  const [items, setItems] = useState<T[] | null>(null);
  const [cursor, setCursor] = useState<string | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [round, setRound] = useState(0);
  // Bumped by every first-page read: answers of an older one are not shown.
  const generation = useRef(0);

  const read = useCallback(
    async (url: string, mine: number, append: boolean) => {
      setLoading(true);
      try {
        const answer = await api<Record<string, unknown> & { nextCursor: string | null }>(url);
        if (generation.current !== mine) return;
        const page = (answer[key] ?? []) as T[];
        setItems((previous) => (append && previous ? [...previous, ...page] : page));
        setCursor(answer.nextCursor);
        setError(null);
      } catch (caught) {
        if (generation.current !== mine) return;
        setError(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), []));
      } finally {
        if (generation.current === mine) setLoading(false);
      }
    },
    [key],
  );

  useEffect(() => {
    if (path === null) return;
    const mine = ++generation.current;
    const timer = setTimeout(() => void read(path, mine, false), options.debounceMs ?? 0);
    return () => clearTimeout(timer);
  }, [path, round, read]);

  const more = useCallback(async () => {
    if (path === null || cursor === null || loading) return;
    const separator = path.includes('?') ? '&' : '?';
    await read(`${path}${separator}cursor=${encodeURIComponent(cursor)}`, generation.current, true);
  }, [path, cursor, loading, read]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  const update = useCallback((change: (rows: T[]) => T[]) => setItems((rows) => (rows ? change(rows) : rows)), []);
  return { items, hasMore: cursor !== null, error, loading, more, reload, update };
}
