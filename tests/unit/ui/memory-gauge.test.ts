import { describe, expect, it } from 'vitest';
import { gaugeView, NEARLY_FULL, pageHeap } from '../../../src/lib/ui/recovery/gauge';

const MB = 1024 ** 2;

describe('gaugeView(usedBytes, budgetBytes, nextBytes)', () => {
  it('gives the used and next shares of the budget', () => {
    expect(gaugeView(10 * MB, 100 * MB, 20 * MB)).toEqual({ used: 0.1, next: 0.2, level: 'ok' });
  });

  it('warns "over" when the next load is larger than what is left, as the load dialog decides', () => {
    expect(gaugeView(2 * MB, 8 * MB, 21 * MB)).toEqual({ used: 0.25, next: 0.75, level: 'over' });
    expect(gaugeView(2 * MB, 8 * MB, 6 * MB).level).toBe('high');
  });

  it('warns "high" from the nearly-full share on, with or without a next load', () => {
    expect(gaugeView(NEARLY_FULL * 100 * MB, 100 * MB).level).toBe('high');
    expect(gaugeView(NEARLY_FULL * 100 * MB - MB, 100 * MB).level).toBe('ok');
    expect(gaugeView(70 * MB, 100 * MB, 15 * MB).level).toBe('high');
  });

  it('clamps shares into [0, 1]', () => {
    expect(gaugeView(120 * MB, 100 * MB, 5 * MB)).toEqual({ used: 1, next: 0, level: 'over' });
    expect(gaugeView(-1, 0)).toEqual({ used: 0, next: 0, level: 'ok' });
  });
});

describe('pageHeap(performance)', () => {
  it("reads Chromium's performance.memory and is null elsewhere", () => {
    const chromium = { memory: { usedJSHeapSize: 5, jsHeapSizeLimit: 50, totalJSHeapSize: 9 } } as unknown as Performance;
    expect(pageHeap(chromium)).toEqual({ usedJSHeapSize: 5, jsHeapSizeLimit: 50 });
    expect(pageHeap({} as Performance)).toBeNull();
  });
});
