/**
 * The CLV cell at scale, in DuckDB-WASM (the browser's engine, its Node build): builds the
 * benchmark transactions (bench/lib/tables.ts, the generator of bench/generate.ts: N customers,
 * about 10·N orders over 2023–2025) with SQL, then runs `fitClv` three times (calibration to
 * 2025-06-30, holdout to 2025-12-31, weeks, 12 monthly periods at 10 % a year) and prints the
 * median seconds of its phases. Also times `customerLifetimeValue` alone over 52 weekly periods.
 *
 *   npx tsx bench/clv.ts [--customers 1000000] [--seed 42]
 */
import { parseArgs } from 'node:util';
import { tableFromIPC } from 'apache-arrow';
import { customerLifetimeValue } from '../src/lib/analysis/clv.ts';
import { fitClv, periodDiscountRate, type ClvFit } from '../src/lib/engine/clv.ts';
import { openNodeWasmDb } from '../src/lib/engine/db-node-wasm.ts';
import type { ClvStatsConfig } from '../src/lib/sql/clv-stats.ts';
import { sql } from '../src/lib/sql/quote.ts';
import { customersTableSql, macroSql, planTableSql, transactionsSelectSql } from './lib/tables.ts';

const { values } = parseArgs({ options: { customers: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' } } });
const n = Number(values.customers);
const db = await openNodeWasmDb();

let t0 = performance.now();
for (const macro of macroSql(Number(values.seed))) await db.exec(macro.text);
await db.exec(customersTableSql(n).text);
await db.exec(planTableSql(10 * n).text);
await db.exec(sql`CREATE TABLE transactions AS ${transactionsSelectSql()}`.text);
await db.exec('DROP TABLE plan; DROP TABLE cust');
const [{ rows, customers }] = await db.rows<{ rows: number; customers: number }>(
  'SELECT count(*)::DOUBLE AS rows, count(DISTINCT customer_id)::DOUBLE AS customers FROM transactions'
);
console.log(
  `${rows.toLocaleString('en')} transactions of ${customers.toLocaleString('en')} customers built in ${((performance.now() - t0) / 1000).toFixed(1)} s (DuckDB-WASM, Node build)`
);

const config: ClvStatsConfig = {
  table: 'transactions',
  key: 'customer_id',
  date: 'order_date',
  amount: 'amount',
  margin: 'margin',
  orderId: 'order_id',
  calibrationEnd: '2025-06-30',
  holdoutEnd: '2025-12-31',
  unit: 'week',
  valueBy: 'revenue'
};

const runs: { total: number; fit: ClvFit }[] = [];
for (let run = 0; run < 3; run++) {
  t0 = performance.now();
  const fit = await fitClv(db, config, { resultTable: 'clv', horizon: 12, period: 'month', discountRate: 0.1 });
  runs.push({ total: performance.now() - t0, fit });
}
const median = (pick: (run: (typeof runs)[number]) => number) => {
  const sorted = runs.map(pick).sort((u, v) => u - v);
  return `${(sorted[1] / 1000).toFixed(2)} s (${sorted.map((ms) => (ms / 1000).toFixed(2)).join(', ')})`;
};
const { fit } = runs[0];
console.log(`fitClv on ${fit.customers.toLocaleString('en')} customers (${fit.repeaters.toLocaleString('en')} repeaters), median of 3 (runs):`);
console.log(`  statistics SQL            ${median((r) => r.fit.ms.stats)}`);
console.log(`  read + BG/NBD + GG fit    ${median((r) => r.fit.ms.fit)}`);
console.log(`  predictions (12 months)   ${median((r) => r.fit.ms.predict)}`);
console.log(`  write-back + holdout SQL  ${median((r) => r.fit.ms.write)}`);
console.log(`  total                     ${median((r) => r.total)}`);
console.log(`  BG/NBD ${JSON.stringify(fit.bgnbd.params)} converged ${fit.bgnbd.converged} (${fit.bgnbd.iterations} iterations)`);
console.log(`  Gamma-Gamma ${JSON.stringify(fit.gammaGamma?.params)} converged ${fit.gammaGamma?.converged}; warnings: ${fit.warnings.map((w) => w.code).join(', ') || 'none'}`);

const gg = fit.gammaGamma?.params;
if (gg !== undefined && gg.q > 1) {
  const columns = tableFromIPC(await db.arrow('SELECT x, t_x, "T", coalesce(mean_repeat_value, 0) AS m FROM clv'));
  const column = (name: string) => columns.getChild(name)?.toArray() as Float64Array;
  const data = { x: column('x'), tx: column('t_x'), T: column('T'), mbar: column('m') };
  const [{ pairs }] = await db.rows<{ pairs: number }>('SELECT count(*)::DOUBLE AS pairs FROM (SELECT DISTINCT x, "T" FROM clv)');
  const weekly = [0, 1, 2].map(() => {
    const start = performance.now();
    customerLifetimeValue(fit.bgnbd.params, gg, data, { horizon: 52, discountRate: periodDiscountRate(0.1, 7), periodLength: 1 });
    return performance.now() - start;
  });
  weekly.sort((u, v) => u - v);
  console.log(
    `customerLifetimeValue, 52 weekly periods, ${data.x.length.toLocaleString('en')} customers (${pairs.toLocaleString('en')} distinct (x, T)): median ${(weekly[1] / 1000).toFixed(2)} s (${weekly.map((ms) => (ms / 1000).toFixed(2)).join(', ')})`
  );
}
await db.close();
