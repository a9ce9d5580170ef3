import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import type { BgnbdParams } from '../../../src/lib/analysis/bgnbd';
import type { GammaGammaParams } from '../../../src/lib/analysis/gamma-gamma';
import { dataset } from './datasets';

/**
 * Reads a CDNOW per-customer summary (comma-separated, header row, LF or CRLF, with or without a
 * final newline) into one Float64Array per column.
 * @param rel path inside `datasets/`, e.g. `cdnow/cdnow_customers_summary.csv`
 */
export function readSummary(rel: string): Record<string, Float64Array> {
  const [header, ...rows] = readFileSync(dataset(rel), 'utf8').trim().split(/\r?\n/);
  const names = header.split(',');
  const columns = Object.fromEntries(names.map((name) => [name, new Float64Array(rows.length)]));
  rows.forEach((row, i) => {
    row.split(',').forEach((cell, j) => {
      columns[names[j]][i] = Number(cell);
    });
  });
  return columns;
}

/** One CDNOW customer of the reference fixture with the `lifetimes` values computed for it. */
export interface ReferenceCustomer {
  id: number;
  x: number;
  tx: number;
  T: number;
  mbar: number;
  probabilityAlive: number;
  /** At `bgnbd.horizons`. */
  conditionalExpectedPurchases: number[];
  expectedSpend: number;
  clvMonthly: number;
  clvWeekly: number;
}

/** `tests/fixtures/reference/clv.json`, written by `scripts/reference/clv_reference.py`. */
export interface ClvReference {
  bgnbd: { params: BgnbdParams; logLikelihood: number; horizons: number[]; expectedPurchases: { t: number; value: number }[] };
  gammaGamma: { params: GammaGammaParams; logLikelihood: number; customers: number; correlation: number };
  clv: Record<'monthly' | 'weekly', { horizon: number; periodLength: number; discountRate: number }>;
  customers: ReferenceCustomer[];
  special: { gammaln: number[][]; betaln: number[][]; hyp2f1: number[][] };
}

/** The reference values computed with scipy from the `lifetimes` formulas. */
export const reference: ClvReference = JSON.parse(readFileSync(new URL('../../fixtures/reference/clv.json', import.meta.url), 'utf8'));

/**
 * Asserts |actual − expected| ≤ tolerance · |expected|, or ≤ tolerance when expected is 0.
 * @param actual computed value
 * @param expected reference value
 * @param tolerance relative tolerance
 */
export function expectClose(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * (expected === 0 ? 1 : Math.abs(expected)));
}
