import { useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

export interface Submission<T> {
  /** True while a request is out: disable the button, so a double click sends once. */
  busy: boolean;
  /** The API's refusal (with its field-level messages) since the last attempt, or null. */
  error: ApiError | null;
  /** The last accepted answer (null before one, and again while a new attempt is out or refused). */
  answer: T | null;
  /** The last attempt was accepted (also when the API answered with no body). */
  ok: boolean;
  /** A form's `onSubmit`: reads the form, sends, and on success resets it (unless `keep`) and calls `done`. */
  onSubmit: (event: Event) => void;
  /** Runs `work` under the same busy and error state: for a button that is not a form's. */
  run: (work: () => Promise<T>) => Promise<boolean>;
  /** The API's message for one field (`name` or a path ending in `.name`), for an inline note beside it. */
  fieldError: (name: string) => string | undefined;
}

/**
 * One way to send a form of the workspace: the busy state, the API's refusal kept for `Problem`
 * and the fields, the form reset after success, and what follows (`done`, e.g. reloading the page).
 * `send` null: no form, only `run` (buttons and confirmations).
 */
export function useSubmit<T = unknown>(
  send: ((form: FormData, element: HTMLFormElement) => Promise<T>) | null,
  options: { done?: (answer: T) => void; keep?: boolean } = {},
): Submission<T> {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const [answer, setAnswer] = useState<T | null>(null);
  const [ok, setOk] = useState(false);
  // State updates are not seen by a second click in the same frame: a ref is.
  const sending = useRef(false);

  async function run(work: () => Promise<T>): Promise<boolean> {
    if (sending.current) return false;
    sending.current = true;
    setBusy(true);
    setAnswer(null);
    setOk(false);
    try {
      const result = await work();
      setError(null);
      setAnswer(result);
      setOk(true);
      options.done?.(result);
      return true;
    } catch (caught) {
      setError(caught instanceof ApiError ? caught : new ApiError(0, 'client', String(caught), []));
      return false;
    } finally {
      sending.current = false;
      setBusy(false);
    }
  }

  function onSubmit(event: Event): void {
    event.preventDefault();
    if (!send) return;
    const element = event.currentTarget as HTMLFormElement;
    const form = new FormData(element);
    void run(() => send(form, element)).then((sent) => {
      if (sent && !options.keep) element.reset();
    });
  }

  const fieldError = (name: string) =>
    error?.fields.find((f) => f.path === name || f.path.endsWith(`.${name}`))?.message;

  return { busy, error, answer, ok, onSubmit, run, fieldError };
}
