import { version } from '$app/environment';
import type { Notices } from './notices.svelte';
import { t } from './strings';

const VERSION_KEY = 'seglab.version';

/**
 * Offline use as the page sees it: whether the app and its engine are stored by the service worker
 * (`src/service-worker.ts`), and the notices of a new version, one taking over while an older page
 * is open or one first seen on this visit.
 */
export class Offline {
  /** True once the page is served by the service worker and the engine's files are stored: a reload works without network. */
  ready = $state(false);
  #controlled = false;
  #stored = false;

  /**
   * Starts watching; returns the function that stops it.
   * @param notices where the version notices go
   * @param storage where the last seen version is kept
   */
  watch(notices: Notices, storage: Storage = localStorage): () => void {
    const seen = storage.getItem(VERSION_KEY);
    if (seen && seen !== version) notices.push({ kind: 'info', message: () => t.offline.updated });
    storage.setItem(VERSION_KEY, version);
    const sw = navigator.serviceWorker;
    if (!sw) return () => undefined;
    this.#controlled = Boolean(sw.controller);
    const onChange = () => {
      if (this.#controlled) sw.controller?.postMessage('version');
      this.#controlled = true;
      this.#update();
    };
    const onMessage = (e: MessageEvent) => {
      const data = e.data as { version?: unknown; cached?: unknown } | null;
      if (typeof data?.version === 'string' && data.version !== version) notices.push({ kind: 'info', message: () => t.offline.installed });
      if (typeof data?.cached === 'number') {
        this.#stored = true;
        this.#update();
      }
    };
    sw.addEventListener('controllerchange', onChange);
    sw.addEventListener('message', onMessage);
    sw.startMessages();
    return () => {
      sw.removeEventListener('controllerchange', onChange);
      sw.removeEventListener('message', onMessage);
    };
  }

  /**
   * Hands the engine's files to the service worker once it runs, so they are stored for offline use.
   * @param assets absolute URLs (the engine's `info().assets`)
   */
  async keepEngine(assets: readonly string[]): Promise<void> {
    const registration = await navigator.serviceWorker?.ready;
    registration?.active?.postMessage({ cache: [...assets] });
  }

  #update(): void {
    this.ready = this.#controlled && this.#stored;
  }
}
