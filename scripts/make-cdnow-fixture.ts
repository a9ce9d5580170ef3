/**
 * Writes tests/fixtures/csv/cdnow_sample.csv from the CDNOW 1/10 sample of Fader, Hardie & Lee
 * (2005) (../shared/datasets/cdnow/CDNOW_sample.txt: whitespace-separated, no header; master id,
 * sample id 1..2357, YYYYMMDD, CDs, dollars) as a plain CSV the app loads: customer_id (the sample
 * id), date (YYYY-MM-DD), cds, amount (dollars). Every purchase is kept, in file order.
 * Source and terms: ../shared/datasets/README.md (Bruce Hardie's CDNOW data; cite the paper).
 *
 * Run: npx tsx scripts/make-cdnow-fixture.ts
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const source = path.resolve(root, '../shared/datasets/cdnow/CDNOW_sample.txt');
const target = path.join(root, 'tests/fixtures/csv/cdnow_sample.csv');

const lines = readFileSync(source, 'utf8').trim().split(/\r?\n/);
const out = ['customer_id,date,cds,amount'];
for (const line of lines) {
  const [, customer, day, cds, dollars] = line.trim().split(/\s+/);
  if (!/^\d{8}$/.test(day)) throw new Error(`CDNOW: unexpected date "${day}" in "${line}"`);
  out.push(`${Number(customer)},${day.slice(0, 4)}-${day.slice(4, 6)}-${day.slice(6, 8)},${Number(cds)},${dollars}`);
}
writeFileSync(target, out.join('\n') + '\n');
console.log(`${target}: ${lines.length} purchases`);
