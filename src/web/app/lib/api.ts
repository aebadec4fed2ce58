/**
 * The API, as the workspace calls it: JSON in and out, the bearer token added, and every refusal
 * turned into an ApiError that keeps the API's field-level messages for the form that sent it.
 */
import { language } from './i18n';
import { storedToken } from './session';

export interface FieldMessage {
  path: string;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: FieldMessage[],
  ) {
    super(message);
  }
}

/** Called on a 401, so that the app can ask the person to sign in again. */
let onUnauthorised: () => void = () => {};
export function whenUnauthorised(handler: () => void): void {
  onUnauthorised = handler;
}

/** How a request is sent: method, JSON body or a file, extra headers. */
export interface RequestInit {
  method?: string;
  body?: unknown;
  headers?: Record<string, string>;
  /** A body that is not JSON (an uploaded CSV), sent as it is with its content type. */
  file?: { text: string; contentType: string };
}

/** Sends the request with the bearer token; the answer's text and headers, or an ApiError for a refusal. */
async function send(path: string, init: RequestInit): Promise<{ status: number; text: string; headers: Headers }> {
  // The workspace's language, so texts the API takes from the rules come in it (a refused move's reasons).
  const headers: Record<string, string> = {
    accept: 'application/json',
    'accept-language': language.value,
    ...init.headers,
  };
  const token = storedToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let body: string | undefined;
  if (init.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(init.body);
  } else if (init.file) {
    headers['content-type'] = init.file.contentType;
    body = init.file.text;
  }
  let response: Response;
  try {
    response = await fetch(path, { method: init.method ?? 'GET', headers, body });
  } catch {
    throw new ApiError(0, 'network', 'leadflow cannot be reached. Check your connection and try again.', []);
  }
  const text = await response.text();
  // A 304 answers a request that named what it holds (If-None-Match): the caller keeps its copy.
  if (!response.ok && response.status !== 304) {
    const parsed: unknown = text ? safeJson(text) : null;
    const error = (parsed as { error?: { code?: string; message?: string; fields?: FieldMessage[] } } | null)?.error;
    if (response.status === 401) onUnauthorised();
    throw new ApiError(
      response.status,
      error?.code ?? `http_${response.status}`,
      error?.message ?? `${response.status} ${response.statusText}`,
      error?.fields ?? [],
    );
  }
  return { status: response.status, text, headers: response.headers };
}

export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  const { text } = await send(path, init);
  return (text ? safeJson(text) : null) as T;
}

/**
 * `api`, with the revision the answer's ETag names (`"4"` → 4; null without one): a write to a
 * part of a record (a product's price) answers the record's new revision only there.
 */
export async function apiWithRevision<T>(
  path: string,
  init: RequestInit = {},
): Promise<{ body: T; revision: number | null }> {
  const { text, headers } = await send(path, init);
  const etag = /^(?:W\/)?"?(\d+)"?$/.exec(headers.get('etag')?.trim() ?? '');
  return { body: (text ? safeJson(text) : null) as T, revision: etag ? Number(etag[1]) : null };
}

/**
 * `api` for a copy the caller holds with its ETag: null when the API says it is unchanged (304),
 * else the new answer and its ETag. Throws ApiError as api() does.
 */
export async function apiIfChanged<T>(
  path: string,
  etag: string | null,
): Promise<{ body: T; etag: string | null } | null> {
  const { status, text, headers } = await send(path, etag ? { headers: { 'if-none-match': etag } } : {});
  if (status === 304) return null;
  return { body: (text ? safeJson(text) : null) as T, etag: headers.get('etag') };
}

/**
 * Saves what `path` answers as the file `filename`, byte for byte. A plain link cannot send the
 * bearer token, so the file is fetched, then handed to the browser as a download. Throws ApiError
 * as api() does.
 */
export async function download(path: string, file: { accept: string; filename: string }): Promise<void> {
  const { text } = await send(path, { headers: { accept: file.accept } });
  const url = URL.createObjectURL(new Blob([text], { type: file.accept }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A query string from the set values of `params` (undefined, null and '' are left out). */
export function query(params: Record<string, string | number | undefined | null>): string {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    if (value !== undefined && value !== null && value !== '') search.set(key, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}

/** A form field's text ('' when absent or a file). */
export function formText(form: FormData, name: string): string {
  const value = form.get(name);
  return typeof value === 'string' ? value : '';
}
