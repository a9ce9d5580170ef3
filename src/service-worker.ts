/// <reference no-default-lib="true"/>
/// <reference lib="esnext" />
/// <reference lib="webworker" />
/**
 * Offline use: after the first visit this worker has the whole app in Cache Storage (the page,
 * its scripts, the DuckDB-WASM worker and module, the sample files), so seglab opens and works
 * without any network. It never talks to another origin: requests for other origins are not
 * touched (the Content-Security-Policy refuses them anyway).
 *
 * - The page (navigations) goes to the network first, so a new version is seen as soon as it is
 *   deployed, and falls back to the cached page offline.
 * - Hashed build files are immutable: served from the cache first. DuckDB's files are cached when
 *   the page names them (see `ENGINE_CACHE`), so only the build this browser uses is stored.
 * - Everything else of this origin (samples, notebooks opened with `?open=`) goes to the network
 *   first and is cached for offline use.
 * - A new version installs beside the running one and takes over at once; a page still running an
 *   older version says so and the new one opens on the next visit (see `ui/offline.svelte.ts`).
 */
import { base, build, files, prerendered, version } from '$service-worker';

const sw = self as unknown as ServiceWorkerGlobalScope;
const CACHE = `seglab-${version}`;
/**
 * DuckDB's worker and WebAssembly module: the engine names them once it has picked the build for
 * this browser (they are not in SvelteKit's file list). Kept across versions, as their names
 * change only with their content.
 */
const ENGINE_CACHE = 'seglab-engine';
const IMMUTABLE = `${base}/_app/immutable/`;
const PRECACHE = [...new Set([...build, ...files, ...prerendered, `${base}/`])];

sw.addEventListener('install', (event) => {
  event.waitUntil(
    (async () => {
      await (await caches.open(CACHE)).addAll(PRECACHE);
      await sw.skipWaiting();
    })()
  );
});

sw.addEventListener('activate', (event) => {
  event.waitUntil(
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('seglab-') && key !== CACHE && key !== ENGINE_CACHE) await caches.delete(key);
      await sw.clients.claim();
    })()
  );
});

/**
 * The page asks which version runs (`'version'`), to tell whether it runs an older one, and hands
 * over the engine's files (`{ cache: urls }`); both are answered to the asking page.
 */
sw.addEventListener('message', (event) => {
  const data = event.data as unknown;
  if (data === 'version') event.source?.postMessage({ version });
  else if (data && typeof data === 'object' && Array.isArray((data as { cache?: unknown }).cache)) {
    const urls = (data as { cache: unknown[] }).cache.filter((u): u is string => typeof u === 'string' && ownFile(u));
    event.waitUntil(keepEngine(urls).then((kept) => event.source?.postMessage({ cached: kept })));
  }
});

sw.addEventListener('fetch', (event) => {
  const request = event.request;
  if (request.method !== 'GET' || !ownFile(request.url)) return;
  if (new URL(request.url).pathname.startsWith(IMMUTABLE)) event.respondWith(cacheFirst(request));
  else event.respondWith(networkFirst(request, request.mode === 'navigate'));
});

/** @param url an absolute URL: true when it is a file of this app (same origin, under its base path) */
function ownFile(url: string): boolean {
  const u = new URL(url, sw.location.href);
  return u.origin === sw.location.origin && u.pathname.startsWith(`${base}/`);
}

/**
 * Caches the engine's files and drops those of older builds.
 * @param urls the files the engine loads
 */
async function keepEngine(urls: string[]): Promise<number> {
  const cache = await caches.open(ENGINE_CACHE);
  for (const old of await cache.keys()) if (!urls.includes(old.url)) await cache.delete(old);
  const missing = [];
  for (const url of urls) if (!(await cache.match(url))) missing.push(url);
  await cache.addAll(missing);
  return urls.length;
}

/** Hashed build files never change: any cache first, else the network (cached for next time). */
async function cacheFirst(request: Request): Promise<Response> {
  const hit = await caches.match(request);
  if (hit) return hit;
  const response = await fetch(request);
  if (response.ok) await (await caches.open(CACHE)).put(request, response.clone());
  return response;
}

/**
 * @param request the request
 * @param page a navigation: offline, any URL of the app (e.g. `?open=…`) gets the cached page
 */
async function networkFirst(request: Request, page: boolean): Promise<Response> {
  const cache = await caches.open(CACHE);
  try {
    const response = await fetch(request);
    if (response.ok && response.type === 'basic') await cache.put(page ? `${base}/` : request, response.clone());
    return response;
  } catch (e) {
    const hit = await cache.match(page ? `${base}/` : request);
    if (hit) return hit;
    throw e;
  }
}
