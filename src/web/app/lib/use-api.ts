import { useCallback, useEffect, useState } from 'preact/hooks';
import { api, ApiError } from './api';

export interface Loaded<T> {
  data: T | null;
  error: ApiError | null;
  loading: boolean;
  reload: () => void;
}

/** GETs `path` (null: nothing yet) and again on `reload()`, keeping the last answer while reloading. */
export function useApi<T>(path: string | null): Loaded<T> {
  const [data, setData] = useState<T | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [loading, setLoading] = useState(path !== null);
  const [round, setRound] = useState(0);
  useEffect(() => {
    if (path === null) return;
    let current = true;
    setLoading(true);
    api<T>(path)
      .then((answer) => {
        if (!current) return;
        setData(answer);
        setError(null);
      })
      .catch(
        (caught: unknown) =>
          current && setError(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), [])),
      )
      .finally(() => current && setLoading(false));
    return () => {
      current = false;
    };
  }, [path, round]);
  const reload = useCallback(() => setRound((n) => n + 1), []);
  return { data, error, loading, reload };
}
