/**
 * Segment cells at scale, in DuckDB-WASM (the browser's engine, its Node build): builds N customers
 * and 10·N orders with SQL, then times the compiled query of a segmentation with column rules and
 * three behavioural rules (materialised, as a later cell or export reads it), the profile query
 * with four KPIs, the overlap and a membership export. Prints the median of 3 runs.
 *
 *   npx tsx bench/segments.ts [--customers 1000000]
 */
import { parseArgs } from 'node:util';
import { openNodeWasmDb } from '../src/lib/engine/db-node-wasm.ts';
import type { SegmentCell } from '../src/lib/notebook/model.ts';
import { segmentQuery } from '../src/lib/sql/segment-rules.ts';
import { overlapQuery, profileQuery } from '../src/lib/sql/segment-profile.ts';
import { membershipExportQuery } from '../src/lib/sql/segment-export.ts';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '1000000' } } });
const n = Number(values.customers);
const db = await openNodeWasmDb();

await db.exec(`
  CREATE TABLE kunden AS SELECT 'K' || lpad(i::VARCHAR, 8, '0') AS id,
    ['DE', 'AT', 'CH'][1 + (hash(i) % 3)::INT] AS land,
    18 + (hash(i * 7) % 70)::INT AS alter,
    (hash(i * 13) % 100000) / 10.0 AS umsatz,
    (hash(i * 17) % 4 = 0) AS kauf_90
  FROM range(${n}) t(i);
  CREATE TABLE bestellungen AS SELECT 'K' || lpad((hash(j) % ${n})::VARCHAR, 8, '0') AS kid,
    DATE '2025-12-31' - (hash(j * 3) % 730)::INT AS datum,
    (hash(j * 5) % 40000) / 100.0 AS betrag,
    ['Web', 'App', 'Filiale'][1 + (hash(j * 11) % 3)::INT] AS kanal
  FROM range(${n * 10}) t(j);
`);

const group = (...rules: NonNullable<SegmentCell['segments'][number]['rule']>['rules']) => ({ type: 'group' as const, op: 'and' as const, rules });
const cell: SegmentCell = {
  id: 'seg',
  kind: 'segment',
  table: 'kunden',
  key: 'id',
  exclusive: true,
  segments: [
    {
      name: 'Aktiv DACH',
      rule: group(
        { type: 'condition', column: 'land', op: 'in', values: ['DE', 'AT'] },
        { type: 'behaviour', table: 'bestellungen', key: 'kid', measure: 'count', dateColumn: 'datum', window: { kind: 'last_days', days: 90 }, op: 'gte', value: 2 }
      )
    },
    { name: 'Viel Umsatz', rule: group({ type: 'behaviour', table: 'bestellungen', key: 'kid', measure: 'sum', column: 'betrag', dateColumn: 'datum', window: { kind: 'this_year' }, op: 'gt', value: 1500 }) },
    { name: 'App zuletzt', rule: group({ type: 'behaviour', table: 'bestellungen', key: 'kid', measure: 'last', column: 'kanal', dateColumn: 'datum', op: 'eq', value: 'App' }) },
    { name: 'Top 10 %', rule: group({ type: 'condition', column: 'umsatz', op: 'top_pct', value: 10 }) }
  ]
};

async function time(label: string, run: () => Promise<unknown>): Promise<void> {
  const ms: number[] = [];
  for (let i = 0; i < 3; i++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  ms.sort((a, b) => a - b);
  console.log(`${label.padEnd(44)} ${(ms[1] / 1000).toFixed(2)} s  (runs: ${ms.map((m) => (m / 1000).toFixed(2)).join(', ')})`);
}

console.log(`segment cell on ${n.toLocaleString('en')} customers and ${(n * 10).toLocaleString('en')} orders, DuckDB-WASM (Node build)`);
await time('segmentation (4 segments, 3 behavioural rules)', () => db.exec(`CREATE OR REPLACE TABLE seg AS ${segmentQuery(cell, '2025-12-31')}`));
const sizes = await db.rows<{ segment: string; n: number }>('SELECT segment, count(*)::INT AS n FROM seg GROUP BY ALL ORDER BY segment');
console.log('  sizes:', sizes.map((s) => `${s.segment} ${s.n}`).join(', '));
const kpis = [
  { label: 'Kaufrate', kind: 'rate' as const, column: 'kauf_90' },
  { label: 'Alter', kind: 'mean' as const, column: 'alter' },
  { label: 'Umsatz', kind: 'sum' as const, column: 'umsatz' },
  { label: 'Umsatz je Jahr', kind: 'ratio' as const, column: 'umsatz', denominator: 'alter' }
];
await time('profile (4 KPIs, sufficient statistics)', () => db.rows(profileQuery({ members: 'seg', base: 'kunden', kpis })));
await time('overlap matrix', () => db.rows(overlapQuery({ members: 'seg', key: 'id' })));
const schema = (await db.rows<{ column_name: string; column_type: string }>('DESCRIBE seg')).map((c) => ({ name: c.column_name, type: c.column_type }));
const exportSql = String(membershipExportQuery({ members: 'seg', schema, key: 'id', pii: [], minSize: 10 }));
await time('membership export query (all rows)', () => db.exec(`CREATE OR REPLACE TEMP TABLE ex AS ${exportSql}`));
process.exit(0);
