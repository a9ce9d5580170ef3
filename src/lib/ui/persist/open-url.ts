/**
 * `?open=path/notebook.json`: fetches a notebook from this site and its data files relative to it.
 * Only the page's own origin is ever asked: a notebook or source on another site is refused
 * before any request is made, because no data may leave (or enter) the browser from elsewhere.
 */
import { formatFromName, type Notebook, type Source } from '../../notebook/model';
import { parseNotebook } from '../../notebook/validate';
import { issueText } from '../language.svelte';
import { t } from '../strings';

/** A source whose file could not be fetched; the rest of the notebook still opens. */
export interface MissingSource {
  source: string;
  /** The source's path as the notebook gives it. */
  path: string;
  /** A sentence for the user. */
  reason: string;
}

/** A notebook opened by URL with the data files that could be fetched. */
export interface OpenedNotebook {
  notebook: Notebook;
  /** The notebook's absolute URL. */
  url: string;
  /** Source name → fetched file. */
  files: Map<string, File>;
  missing: MissingSource[];
}

/** Why opening failed: `OFF_ORIGIN` (another site), `SCHEME`, `NETWORK`, `HTTP`, `NOT_JSON`, `INVALID` (`issues` says why). */
export type OpenUrlErrorCode = 'OFF_ORIGIN' | 'SCHEME' | 'NETWORK' | 'HTTP' | 'NOT_JSON' | 'INVALID';

/** Thrown by `openNotebookUrl`; `message` is a sentence for the user. */
export class OpenUrlError extends Error {
  /**
   * @param code the kind of failure
   * @param message a sentence for the user
   * @param url the URL concerned
   * @param issues the notebook's problems (`INVALID` only), as `path: problem` lines in the UI language
   */
  constructor(
    readonly code: OpenUrlErrorCode,
    message: string,
    readonly url: string,
    readonly issues: string[] = []
  ) {
    super(message);
    this.name = 'OpenUrlError';
  }
}

const MIME: Record<string, string> = {
  csv: 'text/csv',
  parquet: 'application/vnd.apache.parquet',
  json: 'application/json',
  ndjson: 'application/x-ndjson',
  xlsx: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  arrow: 'application/vnd.apache.arrow.file'
};


/** How many notebook problems the error message lists before "n more problems". */
const SHOWN_ISSUES = 3;

/**
 * Resolves `ref` against `base` and checks it stays on `origin`; throws `OpenUrlError` otherwise.
 * @param ref a relative or absolute URL
 * @param base what `ref` is relative to
 * @param origin the only origin allowed
 */
export function sameOriginUrl(ref: string, base: string, origin: string): URL {
  let url: URL;
  try {
    url = new URL(ref, base);
  } catch {
    throw new OpenUrlError('SCHEME', t.persist.open.badScheme(ref), ref);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OpenUrlError('SCHEME', t.persist.open.badScheme(ref), url.href);
  }
  if (url.origin !== origin) throw new OpenUrlError('OFF_ORIGIN', t.persist.open.offOrigin(url.href), url.href);
  return url;
}

/**
 * Fetches a notebook from the page's own origin, then each of its sources relative to the
 * notebook's URL. A source that cannot be fetched goes to `missing`; the notebook itself failing
 * (another origin, HTTP error, not JSON, invalid) throws `OpenUrlError`.
 * @param param the `open` query parameter, relative to the page (e.g. `examples/a/nb.json`)
 * @param pageUrl the page's URL (`location.href`); its origin is the only one asked
 * @param fetchFn the fetch to use (tests pass a fake)
 */
export async function openNotebookUrl(param: string, pageUrl: string, fetchFn: typeof fetch = fetch): Promise<OpenedNotebook> {
  const origin = new URL(pageUrl).origin;
  const url = sameOriginUrl(param, pageUrl, origin);
  const res = await get(url, origin, fetchFn);
  const type = contentType(res);
  if (/html|xml|^image\/|^audio\/|^video\//.test(type)) {
    throw new OpenUrlError('NOT_JSON', type.includes('html') ? t.persist.open.html(url.href) : t.persist.open.notJson(url.href, type), url.href);
  }
  const parsed = parseNotebook(await res.text());
  if (!parsed.ok) {
    const issues = parsed.issues.map(issueText);
    const notJson = parsed.issues.length === 1 && parsed.issues[0].note.key === 'nbNotJson';
    if (notJson) throw new OpenUrlError('NOT_JSON', t.persist.open.notJson(url.href, type || 'no content type'), url.href, issues);
    const shown = issues.slice(0, SHOWN_ISSUES);
    if (issues.length > SHOWN_ISSUES) shown.push(t.persist.open.moreIssues(issues.length - SHOWN_ISSUES));
    throw new OpenUrlError('INVALID', t.persist.open.invalid(url.href, shown.join('; ')), url.href, issues);
  }
  const notebook = parsed.notebook;
  const files = new Map<string, File>();
  const missing: MissingSource[] = [];
  const results = await Promise.all(notebook.sources.map((source) => fetchSource(source, url.href, origin, fetchFn)));
  notebook.sources.forEach((source, i) => {
    const r = results[i];
    if (r instanceof File) files.set(source.name, r);
    else missing.push({ source: source.name, path: source.path, reason: r });
  });
  return { notebook, url: url.href, files, missing };
}

async function get(url: URL, origin: string, fetchFn: typeof fetch): Promise<Response> {
  let res: Response;
  try {
    res = await fetchFn(url.href, { credentials: 'same-origin', redirect: 'follow' });
  } catch (e) {
    throw new OpenUrlError('NETWORK', t.persist.open.network(url.href, (e as Error).message ?? String(e)), url.href);
  }
  if (res.url && new URL(res.url).origin !== origin) {
    throw new OpenUrlError('OFF_ORIGIN', t.persist.open.offOrigin(res.url), res.url);
  }
  if (!res.ok) throw new OpenUrlError('HTTP', t.persist.open.status(url.href, res.status), url.href);
  return res;
}

function contentType(res: Response): string {
  return (res.headers.get('content-type') ?? '').split(';')[0].trim().toLowerCase();
}

/** The fetched file, or the reason it is missing. */
async function fetchSource(source: Source, notebookUrl: string, origin: string, fetchFn: typeof fetch): Promise<File | string> {
  try {
    const url = sameOriginUrl(source.path, notebookUrl, origin);
    const res = await get(url, origin, fetchFn);
    if (contentType(res).includes('html')) return t.persist.open.html(url.href);
    const name = lastSegment(url);
    const format = source.format ?? formatFromName(name);
    const modified = Date.parse(res.headers.get('last-modified') ?? '');
    const blob = await res.blob();
    return new File([blob], name, {
      type: (format && MIME[format]) || blob.type,
      lastModified: Number.isFinite(modified) ? modified : Date.now()
    });
  } catch (e) {
    return (e as Error).message ?? String(e);
  }
}

function lastSegment(url: URL): string {
  const raw = url.pathname.split('/').filter(Boolean).pop() ?? 'data';
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}
