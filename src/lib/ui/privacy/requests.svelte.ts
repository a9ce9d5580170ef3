/**
 * The live list of requests the page made, from the browser's resource timing: the navigation
 * entry and every resource entry (scripts, styles, worker files, WASM, fetched samples).
 */

/** One request as the Privacy panel lists it. */
export interface RequestEntry {
  /** The full address. */
  url: string;
  /** Its origin (`http://127.0.0.1:4173`), or the scheme for `data:` and `blob:` addresses. */
  origin: string;
  /** Path and query for same-origin addresses, else the full address. */
  label: string;
  /** `navigation`, or the resource's initiator (`script`, `link`, `fetch`, `other`…). */
  type: string;
  /** Same origin as the page (or a local `data:` / `blob:` address). */
  sameOrigin: boolean;
}

/**
 * Describes a request for the list.
 * @param url the requested address
 * @param type `navigation` or the initiator type
 * @param pageOrigin the page's origin
 */
export function describeRequest(url: string, type: string, pageOrigin: string): RequestEntry {
  const parsed = new URL(url, pageOrigin);
  const local = parsed.protocol === 'data:' || parsed.protocol === 'blob:';
  const origin = local ? parsed.protocol.slice(0, -1) : parsed.origin;
  const sameOrigin = local || parsed.origin === pageOrigin;
  const label = sameOrigin && !local ? `${parsed.pathname}${parsed.search}` : url.length > 120 ? `${url.slice(0, 119)}…` : url;
  return { url, origin, label, type, sameOrigin };
}

/** Requests the page made, kept up to date while `start`ed. */
export class RequestLog {
  entries = $state<RequestEntry[]>([]);
  #observer: PerformanceObserver | null = null;

  /** Requests that did not go to the page's own origin. */
  get offOrigin(): RequestEntry[] {
    return this.entries.filter((e) => !e.sameOrigin);
  }

  /**
   * Reads the navigation and the resources loaded so far and follows new ones.
   * @returns stops following
   */
  start(): () => void {
    const origin = location.origin;
    performance.setResourceTimingBufferSize?.(10_000);
    const nav = performance.getEntriesByType('navigation').map((e) => describeRequest(e.name, 'navigation', origin));
    const seen = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
    this.entries = [...nav, ...seen.map((e) => describeRequest(e.name, e.initiatorType || 'other', origin))];
    if (typeof PerformanceObserver === 'undefined') return () => undefined;
    this.#observer = new PerformanceObserver((list) => {
      const added = (list.getEntries() as PerformanceResourceTiming[]).map((e) => describeRequest(e.name, e.initiatorType || 'other', origin));
      if (added.length) this.entries = [...this.entries, ...added];
    });
    this.#observer.observe({ type: 'resource' });
    return () => {
      this.#observer?.disconnect();
      this.#observer = null;
    };
  }
}
