/**
 * Writes the campaign sample data to static/samples/:
 * - kampagne_test.csv: 3,000 customers of an A/B-tested mailing (one row each): Kunden-ID, Segment
 *   (Stammkunden, Neukunden, Gelegenheitskäufer and a tiny Rückgewinnung test group of 36),
 *   Gruppe (Kontrolle, Variante A, Variante B, assigned at random), konvertiert (1 / 0), Umsatz
 *   (the order value of a conversion, else 0) and Datum (the mailing day, March 2025);
 * - kampagne_ereignisse.csv: the same customers' shop visits and purchases from 2024-07-01 to
 *   2025-06-30 (the notebook's reference date): Kunden-ID, Datum, Typ (Besuch / Kauf), Betrag.
 * `;`-separated UTF-8 with ISO dates and `.` decimals, so both files load without options.
 *
 * Planted effects, for exercises and tests: Variante A lifts conversion for Stammkunden (14 % → 20 %)
 * and a little for Gelegenheitskäufer, not for Neukunden; Variante B raises the order value, not
 * the conversion; after the mailing (from March 2025) customers of the variants visit and buy more
 * often. Deterministic: one seeded Mersenne Twister (@stdlib/random-base-randu), no clock.
 *
 * Run: npx tsx scripts/make-campaign-samples.ts
 */
import randu from '@stdlib/random-base-randu';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../static/samples');
const DAY = 86_400_000;
const FIRST = Date.UTC(2024, 6, 1);
const LAST = Date.UTC(2025, 5, 30);
const MAILING = Date.UTC(2025, 2, 1);

type Random = () => number;

/** Segment, customers, base conversion, lift of Variante A, mean order value, visits per month. */
const SEGMENTS: readonly [string, number, number, number, number, number][] = [
  ['Stammkunden', 1200, 0.14, 0.06, 85, 1],
  ['Neukunden', 900, 0.08, 0, 55, 0.5],
  ['Gelegenheitskäufer', 864, 0.05, 0.02, 60, 0.3],
  ['Rückgewinnung', 36, 0.1, 0.05, 70, 0.2]
];
const ARMS = ['Kontrolle', 'Variante A', 'Variante B'] as const;

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function poisson(random: Random, mean: number): number {
  const limit = Math.exp(-mean);
  let k = 0;
  for (let p = random(); p > limit; p *= random()) k++;
  return k;
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const money = (x: number) => (Math.round(x * 100) / 100).toFixed(2);
const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(';')).join('\n') + '\n';

/** The two sample files by name. */
export function makeCampaignSamples(): Map<string, string> {
  const random: Random = randu.factory({ name: 'mt19937', seed: 2503 });
  const customers: string[][] = [];
  const events: [number, string, string, string][] = [];
  let n = 0;
  for (const [segment, size, base, lift, value, visits] of SEGMENTS) {
    for (let i = 0; i < size; i++) {
      const id = `K${String(++n).padStart(5, '0')}`;
      const arm = ARMS[Math.floor(random() * ARMS.length)];
      const rate = base + (arm === 'Variante A' ? lift : 0);
      const converted = random() < rate;
      const orderValue = value * (arm === 'Variante B' ? 1.15 : 1) * Math.exp(0.45 * normal(random) - 0.1);
      const mailed = MAILING + Math.floor(random() * 14) * DAY;
      customers.push([id, segment, arm, converted ? '1' : '0', converted ? money(orderValue) : '0.00', iso(mailed)]);
      const activity = visits * Math.exp(0.5 * normal(random));
      for (let month = new Date(FIRST); month.getTime() <= LAST; month.setUTCMonth(month.getUTCMonth() + 1)) {
        const start = month.getTime();
        const after = start >= MAILING && arm !== 'Kontrolle' ? 1.3 : 1;
        const days = new Date(Date.UTC(month.getUTCFullYear(), month.getUTCMonth() + 1, 1)).getTime() / DAY - start / DAY;
        for (let v = poisson(random, activity * after); v > 0; v--) {
          const day = start + Math.floor(random() * days) * DAY;
          const bought = random() < 0.3;
          events.push([day, id, bought ? 'Kauf' : 'Besuch', bought ? money(value * Math.exp(0.45 * normal(random) - 0.1)) : '0.00']);
        }
      }
    }
  }
  events.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]) || a[3].localeCompare(b[3]));
  return new Map([
    ['kampagne_test.csv', csv(['Kunden-ID', 'Segment', 'Gruppe', 'konvertiert', 'Umsatz', 'Datum'], customers)],
    ['kampagne_ereignisse.csv', csv(['Kunden-ID', 'Datum', 'Typ', 'Betrag'], events.map(([ms, id, type, amount]) => [id, iso(ms), type, amount]))]
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const [name, text] of makeCampaignSamples()) {
    writeFileSync(path.join(OUT, name), text);
    console.log(`${name}: ${text.split('\n').length - 2} rows`);
  }
}
