/**
 * Writes the bundled sample data: static/samples/kunden.csv (2,000 B2C customers),
 * static/samples/bestellungen.csv (15,000 orders) and static/samples/retail.notebook.json.
 * The CSVs look like a German shop-system export: `;`, Windows-1252, CRLF, decimal commas with
 * `.` thousands, `dd.mm.yyyy` dates. Every person is made up (common names, `example.*` mail).
 * Deterministic: a seeded PRNG and no clock, so re-running gives identical bytes.
 *
 * Run: npx tsx scripts/make-samples.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, type Notebook } from '../src/lib/notebook/model';
import { serializeNotebook } from '../src/lib/notebook/serialize';
import { readNotebook } from '../src/lib/notebook/validate';

const OUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../static/samples');
const CUSTOMERS = 2000;
const ORDERS = 15000;
const FIRST_DAY = Date.UTC(2023, 0, 1);
const LAST_DAY = Date.UTC(2025, 11, 31);
const DAY = 86_400_000;

/** mulberry32: small, fast, good enough for fake data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = prng(20251231);
const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
function weighted<T>(items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((s, [, w]) => s + w, 0);
  let r = random() * total;
  for (const [item, w] of items) if ((r -= w) < 0) return item;
  return items[items.length - 1][0];
}

const FEMALE = ['Anna', 'Maria', 'Sophie', 'Laura', 'Julia', 'Lena', 'Katharina', 'Sabine', 'Petra', 'Monika', 'Ursula', 'Claudia', 'Jana', 'Hannah', 'Lea', 'Jessica', 'Nicole', 'Renate', 'Birgit', 'Andrea', 'Jördis', 'Bärbel'];
const MALE = ['Thomas', 'Michael', 'Andreas', 'Stefan', 'Jürgen', 'Peter', 'Klaus', 'Lukas', 'Jonas', 'Leon', 'Felix', 'Maximilian', 'Tobias', 'Daniel', 'Frank', 'Uwe', 'Matthias', 'Sebastian', 'Jörg', 'Günter', 'Björn', 'Paul'];
const LAST = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann', 'Braun', 'Krüger', 'Hofmann', 'Hartmann', 'Lange', 'Schmitt', 'Werner', 'Schmitz', 'Krause', 'Meier', 'Lehmann', 'Köhler', 'Weiß', 'Groß', 'Böhm', 'Jäger'];

/** Town, Bundesland, postcode range, weight (roughly population). */
const TOWNS: readonly (readonly [string, string, number, number, number])[] = [
  ['Berlin', 'Berlin', 10115, 14199, 37],
  ['Hamburg', 'Hamburg', 20095, 22769, 19],
  ['München', 'Bayern', 80331, 81929, 15],
  ['Köln', 'Nordrhein-Westfalen', 50667, 51149, 11],
  ['Frankfurt am Main', 'Hessen', 60306, 60599, 8],
  ['Stuttgart', 'Baden-Württemberg', 70173, 70629, 6],
  ['Düsseldorf', 'Nordrhein-Westfalen', 40210, 40629, 6],
  ['Leipzig', 'Sachsen', 4103, 4357, 6],
  ['Dresden', 'Sachsen', 1067, 1328, 6],
  ['Hannover', 'Niedersachsen', 30159, 30659, 5],
  ['Nürnberg', 'Bayern', 90402, 90491, 5],
  ['Bremen', 'Bremen', 28195, 28779, 6],
  ['Chemnitz', 'Sachsen', 9111, 9247, 2],
  ['Görlitz', 'Sachsen', 2826, 2828, 1],
  ['Erfurt', 'Thüringen', 99084, 99099, 2],
  ['Magdeburg', 'Sachsen-Anhalt', 39104, 39130, 2],
  ['Rostock', 'Mecklenburg-Vorpommern', 18055, 18147, 2],
  ['Potsdam', 'Brandenburg', 14467, 14482, 2],
  ['Kiel', 'Schleswig-Holstein', 24103, 24159, 2],
  ['Mainz', 'Rheinland-Pfalz', 55116, 55131, 2],
  ['Saarbrücken', 'Saarland', 66111, 66133, 2],
  ['Würzburg', 'Bayern', 97070, 97084, 1]
];

const CHANNELS = [
  ['Online', 55],
  ['Filiale', 30],
  ['App', 15]
] as const;

function ddmmyyyy(ms: number): string {
  const d = new Date(ms);
  return `${String(d.getUTCDate()).padStart(2, '0')}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${d.getUTCFullYear()}`;
}

/** `1234.5` → `1.234,50`. */
function euro(cents: number): string {
  const whole = Math.floor(cents / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  return `${whole},${String(cents % 100).padStart(2, '0')}`;
}

function mailPart(s: string): string {
  return s.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
}

/** Windows-1252 for the Latin-1 letters we use (umlauts, ß); anything else is a bug here. */
function windows1252(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff || (c >= 0x80 && c < 0xa0)) throw new Error(`not encodable in Windows-1252: ${text[i]}`);
    out[i] = c;
  }
  return out;
}

interface Customer {
  id: string;
  since: number;
  channel: string;
  activity: number;
  cents: number;
  row: string[];
}

function makeCustomers(): Customer[] {
  const customers: Customer[] = [];
  const mails = new Set<string>();
  for (let i = 0; i < CUSTOMERS; i++) {
    const gender = weighted([
      ['w', 49],
      ['m', 49],
      ['d', 2]
    ] as const);
    const first = gender === 'w' ? pick(FEMALE) : gender === 'm' ? pick(MALE) : pick([...FEMALE, ...MALE]);
    const last = pick(LAST);
    const [town, land, lo, hi] = weighted(TOWNS.map((t) => [t, t[4]] as const));
    const born = Date.UTC(int(1945, 2005), int(0, 11), int(1, 28));
    const since = FIRST_DAY - 365 * DAY + Math.floor(random() * ((LAST_DAY - FIRST_DAY + 365 * DAY) * 0.9));
    let mail = `${mailPart(first)}.${mailPart(last)}@${pick(['example.de', 'example.com'])}`;
    for (let n = 2; mails.has(mail); n++) mail = mail.replace(/\d*@/, `${n}@`);
    mails.add(mail);
    customers.push({
      id: `K-${100001 + i}`,
      since: Math.floor(since / DAY) * DAY,
      channel: weighted(CHANNELS),
      activity: 1 / (random() ** 0.8 + 0.05),
      cents: 0,
      row: [first, last, mail, String(int(lo, hi)).padStart(5, '0'), town, land, ddmmyyyy(born), gender]
    });
  }
  return customers;
}

function makeOrders(customers: Customer[]): string[][] {
  const weights = customers.map((c) => [c, c.activity] as const);
  const orders: { day: number; customer: Customer; cents: number; margin: number; channel: string; device: string }[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const customer = weighted(weights);
    const from = Math.max(customer.since, FIRST_DAY);
    const day = from + Math.floor(random() * ((LAST_DAY - from) / DAY + 1)) * DAY;
    const cents = Math.round(Math.exp(3.2 + random() * 2.2 + random() * 1.2) * 100);
    const channel = random() < 0.7 ? customer.channel : weighted(CHANNELS);
    const device =
      channel === 'Filiale'
        ? ''
        : channel === 'App'
          ? weighted([
              ['Smartphone', 85],
              ['Tablet', 15]
            ] as const)
          : weighted([
              ['Desktop', 50],
              ['Smartphone', 40],
              ['Tablet', 10]
            ] as const);
    orders.push({ day, customer, cents, margin: Math.round(cents * (0.12 + random() * 0.3)), channel, device });
  }
  orders.sort((a, b) => a.day - b.day);
  return orders.map((o, i) => {
    o.customer.cents += o.cents;
    return [`B-${String(i + 1).padStart(7, '0')}`, o.customer.id, ddmmyyyy(o.day), euro(o.cents), euro(o.margin), o.channel, o.device];
  });
}

function csv(header: string[], rows: string[][]): Uint8Array {
  return windows1252([header, ...rows].map((r) => r.join(';')).join('\r\n') + '\r\n');
}

function notebook(): Notebook {
  return readNotebook(
    serializeNotebook({
      format: NOTEBOOK_FORMAT,
      version: NOTEBOOK_VERSION,
      title: 'Beispiel: Onlinehandel 2023–2025',
      settings: { locale: 'de', referenceDate: '2025-12-31' },
      sources: [
        { name: 'kunden', path: 'kunden.csv' },
        { name: 'bestellungen', path: 'bestellungen.csv' }
      ],
      cells: [
        {
          id: 'intro',
          kind: 'markdown',
          text:
            '# Onlinehandel 2023–2025\n\nErfundene Beispieldaten: 2.000 Kundinnen und Kunden, 15.000 Bestellungen. ' +
            'Die CSV-Dateien sind ein typischer deutscher Export (`;`, Windows-1252, `1.234,56`, `31.12.2025`).'
        },
        {
          id: 'revenue',
          kind: 'sql',
          name: 'umsatz_bundesland',
          sql: [
            'SELECT k."Bundesland",',
            '  count(DISTINCT k."Kundennummer") AS kunden,',
            '  count(*) AS bestellungen,',
            '  round(sum(b."Betrag"), 2) AS umsatz,',
            '  round(sum(b."Betrag") / count(DISTINCT k."Kundennummer"), 2) AS umsatz_je_kunde',
            'FROM bestellungen b',
            'JOIN kunden k USING ("Kundennummer")',
            'GROUP BY ALL',
            'ORDER BY umsatz DESC, k."Bundesland"'
          ].join('\n')
        },
        {
          id: 'revenue_chart',
          kind: 'chart',
          from: 'revenue',
          chart: { mark: 'bar', x: 'Bundesland', y: 'umsatz', aggregate: 'sum' }
        },
        {
          id: 'monthly',
          kind: 'sql',
          name: 'bestellungen_monat',
          sql: [
            'SELECT strftime(date_trunc(\'month\', "Bestelldatum"), \'%Y-%m\') AS monat,',
            '  count(*) AS bestellungen,',
            '  round(sum("Betrag"), 2) AS umsatz,',
            '  round(sum("Marge"), 2) AS marge',
            'FROM bestellungen',
            'GROUP BY ALL',
            'ORDER BY monat'
          ].join('\n')
        },
        {
          id: 'monthly_chart',
          kind: 'chart',
          from: 'monthly',
          chart: { mark: 'line', x: 'monat', y: 'umsatz', aggregate: 'sum' }
        },
        {
          id: 'top',
          kind: 'sql',
          name: 'top_kunden',
          sql: [
            'SELECT k."Kundennummer", k."Vorname", k."Nachname", k."Ort",',
            '  count(*) AS bestellungen,',
            '  round(sum(b."Betrag"), 2) AS umsatz,',
            '  max(b."Bestelldatum") AS letzte_bestellung,',
            '  getvariable(\'reference_date\') - max(b."Bestelldatum") AS tage_seit_letzter',
            'FROM kunden k',
            'JOIN bestellungen b USING ("Kundennummer")',
            'GROUP BY ALL',
            'ORDER BY umsatz DESC, k."Kundennummer"',
            'LIMIT 20'
          ].join('\n')
        },
        {
          id: 'channels',
          kind: 'sql',
          sql: [
            'SELECT "Kanal", coalesce("Gerät", \'(Filiale)\') AS "Gerät",',
            '  count(*) AS bestellungen,',
            '  round(avg("Betrag"), 2) AS warenkorb',
            'FROM bestellungen',
            'GROUP BY ALL',
            'ORDER BY bestellungen DESC, "Kanal", "Gerät"'
          ].join('\n')
        }
      ]
    })
  );
}

const customers = makeCustomers();
const orders = makeOrders(customers);
mkdirSync(OUT, { recursive: true });
writeFileSync(
  path.join(OUT, 'kunden.csv'),
  csv(
    ['Kundennummer', 'Vorname', 'Nachname', 'E-Mail', 'PLZ', 'Ort', 'Bundesland', 'Geburtsdatum', 'Geschlecht', 'Kunde seit', 'Kanal', 'Umsatz gesamt'],
    customers.map((c) => [c.id, ...c.row, ddmmyyyy(c.since), c.channel, euro(c.cents)])
  )
);
writeFileSync(
  path.join(OUT, 'bestellungen.csv'),
  csv(['Bestellnummer', 'Kundennummer', 'Bestelldatum', 'Betrag', 'Marge', 'Kanal', 'Gerät'], orders)
);
writeFileSync(path.join(OUT, 'retail.notebook.json'), serializeNotebook(notebook()));
