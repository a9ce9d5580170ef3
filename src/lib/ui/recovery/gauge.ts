/** Share of the budget above which the gauge warns that memory is nearly full. */
export const NEARLY_FULL = 0.8;

/** What the memory gauge draws and says. */
export interface GaugeView {
  /** Used share of the budget, in [0, 1]. */
  used: number;
  /** The next load's estimated share, in [0, 1 - used]. */
  next: number;
  /** `over`: the next load will probably not fit; `high`: used (plus next) is past `NEARLY_FULL`. */
  level: 'ok' | 'high' | 'over';
}

/**
 * The gauge for `usedBytes` of `budgetBytes`, with the estimate of the load about to run. The same
 * test the load dialog uses decides "will not fit": the estimate against what is left.
 * @param usedBytes what DuckDB holds now
 * @param budgetBytes what the engine may use
 * @param nextBytes the next load's estimated size (0 when none)
 */
export function gaugeView(usedBytes: number, budgetBytes: number, nextBytes = 0): GaugeView {
  const budget = Math.max(1, budgetBytes);
  const used = Math.min(1, Math.max(0, usedBytes) / budget);
  const next = Math.min(1 - used, Math.max(0, nextBytes) / budget);
  const level = nextBytes > 0 && nextBytes > budget - usedBytes ? 'over' : used + next >= NEARLY_FULL ? 'high' : 'ok';
  return { used, next, level };
}

/** Chrome's non-standard `performance.memory`: the page's JS heap (not the engine worker's). */
export interface PageHeap {
  usedJSHeapSize: number;
  jsHeapSizeLimit: number;
}

/**
 * The page's JS heap where the browser reports it (Chromium), else null.
 * @param perf the page's `performance`
 */
export function pageHeap(perf: Performance): PageHeap | null {
  const memory = (perf as Performance & { memory?: PageHeap }).memory;
  return memory && memory.jsHeapSizeLimit > 0 ? { usedJSHeapSize: memory.usedJSHeapSize, jsHeapSizeLimit: memory.jsHeapSizeLimit } : null;
}
