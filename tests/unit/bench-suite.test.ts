import { describe, expect, it } from 'vitest';
import { benchNotebook, CELLS } from '../../bench/lib/bench-notebook';
import {
  formatRatio,
  formatSeconds,
  formatTable,
  markdownSection,
  markdownTable,
  median,
  ratio,
  replaceSection,
  STEPS,
  type SuiteResult
} from '../../bench/lib/suite';
import { parseNotebook } from '../../src/lib/notebook/validate';

function result(): SuiteResult {
  return {
    format: 'seglab-bench',
    version: 1,
    date: '2026-01-02T03:04:05.000Z',
    size: 'S',
    runs: 3,
    rows: { customers: 10_000, transactions: 100_198 },
    machine: { cpu: 'AMD EPYC', cores: 2, memoryBytes: 24 * 1024 ** 3, os: 'Debian GNU/Linux 12 (bookworm)', node: '20.20.2', chromium: 'Chromium 156', python: '3.11.2', duckdb: 'v1.4.3', load: [1.5, 2.25] },
    backends: {
      browser: { detail: 'Chromium, wasm-eh', steps: { rfm: { seconds: [0.3, 0.1, 0.2], longTaskMs: 12.4, duckdbBytes: 48e6, peakRssBytes: 700e6 } } },
      native_1: { detail: 'native', steps: { rfm: { seconds: [0.05, 0.1, 0.2, 0.4] } } },
      python: { detail: 'pandas', steps: { rfm: { seconds: [0.4] } }, notes: { load_parquet: 'no pyarrow' } }
    }
  };
}

describe('median(values)', () => {
  it('takes the middle value of an odd count, unsorted input included', () => {
    expect(median([3, 1, 2])).toBe(2);
  });
  it('averages the two middle values of an even count', () => {
    expect(median([4, 1, 3, 2])).toBe(2.5);
  });
  it('refuses an empty list', () => {
    expect(() => median([])).toThrow(RangeError);
  });
});

describe('ratio(a, b)', () => {
  it('divides a by b', () => {
    expect(ratio(3, 1.5)).toBe(2);
  });
  it('is null when a figure is missing or the divisor is 0', () => {
    expect(ratio(undefined, 1)).toBeNull();
    expect(ratio(1, undefined)).toBeNull();
    expect(ratio(1, 0)).toBeNull();
  });
});

describe('formatSeconds / formatRatio', () => {
  it('keeps three decimals below 0.1 s, two below 10 s and one above', () => {
    expect(formatSeconds(0.0234)).toBe('0.023 s');
    expect(formatSeconds(1.234)).toBe('1.23 s');
    expect(formatSeconds(12.34)).toBe('12.3 s');
    expect(formatSeconds(undefined)).toBe('—');
  });
  it('writes ratios with a times sign', () => {
    expect(formatRatio(1.234)).toBe('1.23×');
    expect(formatRatio(123.4)).toBe('123×');
    expect(formatRatio(null)).toBe('—');
  });
});

describe('formatTable(result)', () => {
  it('has one row per step with medians, ratios, the worst long task and memory', () => {
    const lines = formatTable(result()).split('\n');
    expect(lines).toHaveLength(2 + STEPS.length);
    expect(lines[0]).toMatch(/^step\s+browser\s+native 1 thread\s+pandas \/ sklearn\s+browser ÷ native 1 thr/);
    const rfm = lines.find((l) => l.startsWith('RFM'))!;
    // browser median 0.2 s; native median (0.1 + 0.2) / 2 = 0.15 s; pandas 0.4 s
    expect(rfm.split(/\s{2,}/)).toEqual(['RFM', '0.20 s', '0.15 s', '0.40 s', '1.33×', '0.50×', '12 ms', '48 MB', '700 MB']);
    expect(lines.find((l) => l.startsWith('load CSV'))!.split(/\s{2,}/).slice(1)).toEqual(['—', '—', '—', '—', '—', '—', '—', '—']);
  });
});

describe('markdownTable(result)', () => {
  it('writes a header, a right-aligned separator and escaped cells', () => {
    const lines = markdownTable(result()).split('\n');
    expect(lines[0]).toBe('| step | browser | native 1 thread | pandas / sklearn | browser ÷ native 1 thr | browser ÷ pandas | worst main-thread task | DuckDB memory after | tab peak RSS |');
    expect(lines[1]).toBe('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
    expect(lines).toContain('| RFM | 0.20 s | 0.15 s | 0.40 s | 1.33× | 0.50× | 12 ms | 48 MB | 700 MB |');
  });
});

describe('markdownSection(result, file)', () => {
  it('names the size, rows, runs, machine, backends and missing figures', () => {
    const text = markdownSection(result(), 'bench/results/2026-01-02-S.json');
    expect(text).toContain('Size **S** (100,198 transactions, 10,000 customers), median of 3 runs, 2026-01-02 03:04 UTC (`bench/results/2026-01-02-S.json`).');
    expect(text).toContain('AMD EPYC, 2 cores, 24 GiB RAM, Debian GNU/Linux 12 (bookworm); Node 20.20.2, Chromium 156, Python 3.11.2, DuckDB v1.4.3. Load average (1 min) 1.5 at the start, 2.3 at the end.');
    expect(text).toContain('- **native 1 thread**: native');
    expect(text).toContain('- pandas / sklearn, load Parquet (transactions): no pyarrow');
  });
});

describe('replaceSection(doc, size, section)', () => {
  it('adds a Results heading and the marked section to a document without one', () => {
    expect(replaceSection('# Benchmarks\n\nIntro.\n', 'M', 'table M')).toBe(
      '# Benchmarks\n\nIntro.\n\n## Results\n\n### M\n\n<!-- bench:M:start -->\ntable M\n<!-- bench:M:end -->\n'
    );
  });
  it('replaces only the section of its size and keeps the rest', () => {
    const doc = replaceSection(replaceSection('# B\n\n## Results\n\nafter\n', 'S', 'old S'), 'M', 'old M');
    const next = replaceSection(doc, 'S', 'new S');
    expect(next).toContain('<!-- bench:S:start -->\nnew S\n<!-- bench:S:end -->');
    expect(next).not.toContain('old S');
    expect(next).toContain('<!-- bench:M:start -->\nold M\n<!-- bench:M:end -->');
    expect(next).toContain('after');
    expect(replaceSection(next, 'S', 'new S')).toBe(next);
  });
});

describe('benchNotebook(seedKeys)', () => {
  it('is a valid notebook with the timed cells and the seeds as keys', () => {
    const nb = benchNotebook(['1', '2', '3']);
    const parsed = parseNotebook(JSON.stringify(nb));
    expect(parsed.ok).toBe(true);
    expect(nb.cells.map((c) => c.id)).toEqual(Object.values(CELLS));
    const lookalike = nb.cells.find((c) => c.id === CELLS.lookalike);
    expect(lookalike?.kind === 'lookalike' && lookalike.seeds).toEqual({ kind: 'keys', keys: ['1', '2', '3'] });
    const kmeans = nb.cells.find((c) => c.id === CELLS.kmeans);
    expect(kmeans?.kind === 'cluster' && [kmeans.k, kmeans.features.length]).toEqual([6, 8]);
  });
});
