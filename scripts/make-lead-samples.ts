/**
 * Writes the lead-tier sample data to static/samples/:
 * - leads.csv: 2,400 B2B leads in DE/AT/CH (made-up company names from invented syllables, the
 *   industries, regions and sources of firmen.csv);
 * - lead_activities.csv: their web visits, e-mail opens, whitepaper downloads, webinars and demo
 *   requests from 2025-01-01 to 2025-06-30 (the notebook's reference date for them).
 * `;`-separated UTF-8 with ISO dates and whole numbers, so both files load without options.
 *
 * Planted structure, for exercises and tests: leads from target industries (Maschinenbau, Chemie,
 * Elektrotechnik, Logistik, IT) with 50–999 employees, or from referrals and partners, fit well and
 * are more active; a third of the leads went quiet months ago or never showed up; activity
 * clusters in the last weeks for the hottest leads, and hot leads request demos.
 * Deterministic: one seeded Mersenne Twister (@stdlib/random-base-randu), no clock.
 *
 * Run: npx tsx scripts/make-lead-samples.ts
 */
import randu from '@stdlib/random-base-randu';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../static/samples');
const LEADS = 2400;
const FIRST = Date.UTC(2025, 0, 1);
const LAST = Date.UTC(2025, 5, 30);
const DAY = 86_400_000;

/** Industry, share of leads, fit (log-odds), median employees. */
const INDUSTRIES: readonly [string, number, number, number][] = [
  ['Maschinenbau', 14, 1.2, 90],
  ['Herstellung von chemischen Erzeugnissen', 5, 0.9, 140],
  ['Elektrotechnik', 8, 1, 70],
  ['Verkehr und Lagerei', 8, 0.6, 45],
  ['Informationstechnologische Dienstleistungen', 11, 0.7, 30],
  ['Großhandel', 10, 0, 25],
  ['Baugewerbe', 10, -0.8, 18],
  ['Einzelhandel', 10, -1, 12],
  ['Gastgewerbe', 6, -1.5, 10],
  ['Unternehmensberatung', 8, -0.4, 9],
  ['Gesundheitswesen', 6, -0.5, 45],
  ['Energieversorgung', 4, 0.5, 160]
];

/** Source, share, fit (log-odds). */
const SOURCES: readonly [string, number, number][] = [
  ['Website', 28, 0],
  ['Messe', 16, 0.3],
  ['Google Ads', 16, -0.4],
  ['LinkedIn', 12, -0.2],
  ['Kaltakquise', 12, -0.8],
  ['Empfehlung', 9, 1],
  ['Partner', 7, 0.7]
];

/** Country, region, town, weight. */
const PLACES: readonly [string, string, string, number][] = [
  ['DE', 'Bayern', 'München', 14],
  ['DE', 'Bayern', 'Nürnberg', 5],
  ['DE', 'Baden-Württemberg', 'Stuttgart', 9],
  ['DE', 'Baden-Württemberg', 'Karlsruhe', 4],
  ['DE', 'Nordrhein-Westfalen', 'Köln', 9],
  ['DE', 'Nordrhein-Westfalen', 'Düsseldorf', 6],
  ['DE', 'Nordrhein-Westfalen', 'Dortmund', 5],
  ['DE', 'Hessen', 'Frankfurt am Main', 7],
  ['DE', 'Niedersachsen', 'Hannover', 5],
  ['DE', 'Sachsen', 'Leipzig', 4],
  ['DE', 'Sachsen', 'Dresden', 4],
  ['DE', 'Berlin', 'Berlin', 12],
  ['DE', 'Hamburg', 'Hamburg', 9],
  ['DE', 'Thüringen', 'Erfurt', 2],
  ['AT', 'Wien', 'Wien', 8],
  ['AT', 'Steiermark', 'Graz', 3],
  ['AT', 'Oberösterreich', 'Linz', 3],
  ['CH', 'Zürich', 'Zürich', 7],
  ['CH', 'Basel-Stadt', 'Basel', 3],
  ['CH', 'Bern', 'Bern', 3]
];

const FORMS: Record<string, readonly string[]> = { DE: ['GmbH', 'GmbH', 'GmbH', 'GmbH & Co. KG', 'AG', 'KG'], AT: ['GmbH', 'GmbH', 'AG', 'OG'], CH: ['AG', 'AG', 'GmbH'] };
const HEADS = ['Ar', 'Bro', 'Cel', 'Dor', 'Em', 'Fin', 'Gro', 'Hal', 'Ir', 'Jus', 'Kor', 'Lin', 'Mon', 'Nex', 'Or', 'Pro', 'Rhe', 'Sto', 'Tra', 'Ven', 'Wal', 'Zel'];
const TAILS = ['ando', 'berg', 'cor', 'dal', 'eon', 'feld', 'gon', 'heim', 'ion', 'kon', 'lux', 'mat', 'nit', 'rix', 'tak', 'werk'];

/** Activity type, weight among a lead's events, extra weight when the lead is hot. */
const ACTIVITIES: readonly [string, number, number][] = [
  ['Website-Besuch', 50, 10],
  ['E-Mail geöffnet', 30, 0],
  ['Whitepaper', 8, 4],
  ['Webinar', 6, 4],
  ['Demo-Anfrage', 1, 6]
];

type Random = () => number;

function weighted<T>(random: Random, items: readonly T[], weight: (item: T) => number): T {
  let r = random() * items.reduce((s, x) => s + weight(x), 0);
  for (const item of items) if ((r -= weight(item)) < 0) return item;
  return items[items.length - 1];
}

function normal(random: Random): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

const iso = (ms: number) => new Date(ms).toISOString().slice(0, 10);

interface Lead {
  id: string;
  /** Latent fit and interest, in log-odds. */
  fit: number;
  row: string[];
}

function makeLeads(random: Random): Lead[] {
  const names = new Set<string>();
  const leads: Lead[] = [];
  for (let i = 0; i < LEADS; i++) {
    const [industry, , industryFit, median] = weighted(random, INDUSTRIES, (x) => x[1]);
    const [source, , sourceFit] = weighted(random, SOURCES, (x) => x[1]);
    const [country, region, town] = weighted(random, PLACES, (x) => x[3]);
    const employees = Math.max(1, Math.round(median * Math.exp(1.1 * normal(random))));
    const sizeFit = employees >= 50 && employees <= 999 ? 0.8 : employees < 10 ? -0.7 : 0;
    let name = '';
    while (!name || names.has(name)) {
      const stem = HEADS[Math.floor(random() * HEADS.length)] + TAILS[Math.floor(random() * TAILS.length)];
      name = `${stem} ${FORMS[country][Math.floor(random() * FORMS[country].length)]}`;
      if (names.has(name)) name = `${stem} ${town} ${FORMS[country][0]}`;
    }
    names.add(name);
    const revenue = random() < 0.08 ? '' : String(Math.round(employees * (90 + 160 * random())) * 1000);
    const created = iso(FIRST - Math.floor(random() * 540) * DAY);
    const id = `L-${20001 + i}`;
    leads.push({ id, fit: industryFit + sourceFit + sizeFit + 0.5 * normal(random), row: [id, name, industry, String(employees), revenue, country, region, town, source, created] });
  }
  return leads;
}

function makeActivities(random: Random, leads: readonly Lead[]): string[][] {
  const rows: [number, string, string, string][] = [];
  const span = (LAST - FIRST) / DAY;
  for (const lead of leads) {
    const quiet = random() < 0.3;
    const interest = lead.fit + 0.8 * normal(random);
    const hot = !quiet && interest > 1.2;
    const n = quiet ? Math.floor(random() * 3) : Math.round(Math.max(0, 4 + 3 * interest + 2 * normal(random)));
    for (let k = 0; k < n; k++) {
      // Quiet leads were active only in the first two months; hot ones mostly in the last six weeks.
      const day = quiet ? Math.floor(random() * 60) : hot && random() < 0.7 ? span - Math.floor(random() * 42) : Math.floor(random() * (span + 1));
      const [type] = weighted(random, ACTIVITIES, (x) => x[1] + (hot ? x[2] : 0));
      const channel = type === 'E-Mail geöffnet' ? 'Newsletter' : type === 'Demo-Anfrage' ? 'Formular' : weighted(random, ['Organische Suche', 'Direkt', 'LinkedIn', 'Google Ads'], () => 1);
      rows.push([FIRST + day * DAY, lead.id, type, channel]);
    }
  }
  rows.sort((a, b) => a[0] - b[0] || a[1].localeCompare(b[1]) || a[2].localeCompare(b[2]));
  return rows.map(([ms, id, type, channel]) => [id, iso(ms), type, channel]);
}

const csv = (header: string[], rows: string[][]) => [header, ...rows].map((r) => r.join(';')).join('\n') + '\n';

/** The two sample files by name. */
export function makeLeadSamples(): Map<string, string> {
  const random: Random = randu.factory({ name: 'mt19937', seed: 2025 });
  const leads = makeLeads(random);
  const activities = makeActivities(random, leads);
  return new Map([
    ['leads.csv', csv(['Lead-ID', 'Firma', 'Branche', 'Mitarbeiter', 'Jahresumsatz', 'Land', 'Region', 'Ort', 'Quelle', 'Erstellt am'], leads.map((l) => l.row))],
    ['lead_activities.csv', csv(['Lead-ID', 'Datum', 'Typ', 'Kanal'], activities)]
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  for (const [name, text] of makeLeadSamples()) {
    writeFileSync(path.join(OUT, name), text);
    console.log(`${name}: ${text.split('\n').length - 2} rows`);
  }
}
