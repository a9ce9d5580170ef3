/**
 * Writes the bundled sample data to static/samples/:
 * - kunden.csv (2,000 B2C customers), bestellungen.csv (15,000 orders), retail.notebook.json;
 * - firmen.csv (1,500 B2B accounts in DE/AT/CH, won or prospect), aktivitaeten.csv (20,000
 *   marketing and sales events of those accounts in 2024–2025);
 * - umfrage.csv (a needs survey of 800 of the B2C customers, Likert answers 1–5);
 * - segments.notebook.json (segment cells of every segment and rule type over all five files);
 * - value.notebook.json (customer value over the orders: RFM, CLV, profitability tiers, cohorts);
 * - the other notebooks of the example gallery: lookalikes (B2B accounts, lookalikes of the won
 *   ones), leads (lead tiers over leads.csv of scripts/make-lead-samples.ts), churn (churn risk on
 *   IBM's Telco data, copied unchanged to static/samples/ with ATTRIBUTION.md), survey (k-modes
 *   over umfrage.csv) and campaign (A/B test and KPI board over the mailing data of
 *   scripts/make-campaign-samples.ts). Every Markdown cell explains its step in German, then in English.
 * The CSVs look like a German shop- or CRM-system export: `;`, Windows-1252, CRLF, decimal commas
 * with `.` thousands, `dd.mm.yyyy` dates. Every person and company is made up (common first and
 * last names, `example.*` mail, company names from invented syllables).
 * Deterministic: each file family has its own seeded PRNG and nothing reads the clock, so
 * re-running gives identical bytes.
 *
 * Planted structure, for exercises and tests: won accounts lean to some industries, to 50–999
 * employees and to referrals and partners, and show more demos and offers before they buy;
 * prospects that resemble them (the lookalikes) show more demos and offers too; some accounts have
 * no activity at all, others were active in the last weeks. Survey answers come from four needs
 * profiles (price, sustainability and quality, fast delivery, advice) that lean on age and on the
 * customer's channel.
 *
 * Run: npx tsx scripts/make-samples.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import {
  NOTEBOOK_FORMAT,
  NOTEBOOK_VERSION,
  type BehaviourCondition,
  type ColumnCondition,
  type ConditionOp,
  type Kpi,
  type Notebook,
  type Rule,
  type RuleGroup,
  type RuleValue,
  type Source
} from '../src/lib/notebook/model';
import { serializeNotebook } from '../src/lib/notebook/serialize';
import { readNotebook } from '../src/lib/notebook/validate';
import { defaultRfmSegments } from '../src/lib/sql/rfm';

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

/** The draws the generators need, over one seeded stream. */
class Draws {
  readonly random: () => number;
  constructor(seed: number) {
    this.random = prng(seed);
  }

  int(lo: number, hi: number): number {
    return lo + Math.floor(this.random() * (hi - lo + 1));
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.random() * items.length)];
  }

  weighted<T>(items: readonly (readonly [T, number])[]): T {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = this.random() * total;
    for (const [item, w] of items) if ((r -= w) < 0) return item;
    return items[items.length - 1][0];
  }

  /** A standard normal draw (Box–Muller). */
  normal(): number {
    return Math.sqrt(-2 * Math.log(1 - this.random())) * Math.cos(2 * Math.PI * this.random());
  }

  chance(p: number): boolean {
    return this.random() < p;
  }
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

function makeCustomers(r: Draws): Customer[] {
  const customers: Customer[] = [];
  const mails = new Set<string>();
  for (let i = 0; i < CUSTOMERS; i++) {
    const gender = r.weighted([
      ['w', 49],
      ['m', 49],
      ['d', 2]
    ] as const);
    const first = gender === 'w' ? r.pick(FEMALE) : gender === 'm' ? r.pick(MALE) : r.pick([...FEMALE, ...MALE]);
    const last = r.pick(LAST);
    const [town, land, lo, hi] = r.weighted(TOWNS.map((t) => [t, t[4]] as const));
    const born = Date.UTC(r.int(1945, 2005), r.int(0, 11), r.int(1, 28));
    const since = FIRST_DAY - 365 * DAY + Math.floor(r.random() * ((LAST_DAY - FIRST_DAY + 365 * DAY) * 0.9));
    let mail = `${mailPart(first)}.${mailPart(last)}@${r.pick(['example.de', 'example.com'])}`;
    for (let n = 2; mails.has(mail); n++) mail = mail.replace(/\d*@/, `${n}@`);
    mails.add(mail);
    customers.push({
      id: `K-${100001 + i}`,
      since: Math.floor(since / DAY) * DAY,
      channel: r.weighted(CHANNELS),
      activity: 1 / (r.random() ** 0.8 + 0.05),
      cents: 0,
      row: [first, last, mail, String(r.int(lo, hi)).padStart(5, '0'), town, land, ddmmyyyy(born), gender]
    });
  }
  return customers;
}

function makeOrders(r: Draws, customers: Customer[]): string[][] {
  const weights = customers.map((c) => [c, c.activity] as const);
  const orders: { day: number; customer: Customer; cents: number; margin: number; channel: string; device: string }[] = [];
  for (let i = 0; i < ORDERS; i++) {
    const customer = r.weighted(weights);
    const from = Math.max(customer.since, FIRST_DAY);
    const day = from + Math.floor(r.random() * ((LAST_DAY - from) / DAY + 1)) * DAY;
    const cents = Math.round(Math.exp(3.2 + r.random() * 2.2 + r.random() * 1.2) * 100);
    const channel = r.random() < 0.7 ? customer.channel : r.weighted(CHANNELS);
    const device =
      channel === 'Filiale'
        ? ''
        : channel === 'App'
          ? r.weighted([
              ['Smartphone', 85],
              ['Tablet', 15]
            ] as const)
          : r.weighted([
              ['Desktop', 50],
              ['Smartphone', 40],
              ['Tablet', 10]
            ] as const);
    orders.push({ day, customer, cents, margin: Math.round(cents * (0.12 + r.random() * 0.3)), channel, device });
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

/**
 * A sample notebook as the app reads it: serialised and validated, so a generator mistake fails here.
 * @param doc the notebook without its format and version
 */
function sampleNotebook(doc: Omit<Notebook, 'format' | 'version'>): Notebook {
  return readNotebook(serializeNotebook({ format: NOTEBOOK_FORMAT, version: NOTEBOOK_VERSION, ...doc }));
}

function notebook(): Notebook {
  return sampleNotebook({
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
        text: explain(
          ['Onlinehandel 2023–2025', 'Online retail 2023–2025'],
          [
            'Erfundene Beispieldaten: 2.000 Kundinnen und Kunden, 15.000 Bestellungen. Die CSV-Dateien sind ein typischer deutscher Export (`;`, Windows-1252, `1.234,56`, `31.12.2025`).',
            'Die SQL-Zellen zeigen die Grundbausteine jeder Analyse: Tabellen verbinden (`JOIN`), gruppieren (`GROUP BY`), zählen und summieren. Jede benannte Zelle ist eine Tabelle, auf die spätere Zellen und Diagramme zugreifen.'
          ],
          [
            'Made-up sample data: 2,000 customers, 15,000 orders. The CSV files are a typical German export (`;`, Windows-1252, `1.234,56`, `31.12.2025`).',
            'The SQL cells show the building blocks of every analysis: joining tables (`JOIN`), grouping (`GROUP BY`), counting and summing. Every named cell is a table that later cells and charts read.'
          ],
          1
        )
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
        id: 'zeit',
        kind: 'markdown',
        text: explain(
          ['Über die Zeit', 'Over time'],
          [
            '`date_trunc(\'month\', …)` schneidet jedes Bestelldatum auf den Monatsersten; danach lässt sich je Monat gruppieren. Das Liniendiagramm zeigt, wie sich der Umsatz über drei Jahre Monat für Monat entwickelt.'
          ],
          ['`date_trunc(\'month\', …)` cuts each order date to the first of its month, so orders group by month. The line chart shows how revenue develops month by month over three years.']
        )
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
        id: 'stichtag',
        kind: 'markdown',
        text: explain(
          ['Stichtag', 'Reference date'],
          [
            'Der Stichtag des Notebooks (31.12.2025, in den Einstellungen) steht in SQL als `getvariable(\'reference_date\')` bereit. So rechnet „Tage seit der letzten Bestellung“ morgen noch dasselbe wie heute.'
          ],
          [
            "The notebook's reference date (31 Dec 2025, in its settings) is available in SQL as `getvariable('reference_date')`, so \"days since the last order\" gives the same answer tomorrow as today."
          ]
        )
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
  });
}

const FIRMS = 1500;
const EVENTS = 20000;
const SURVEYED = 800;
const ACTIVITY_FIRST = Date.UTC(2024, 0, 1);

/** A WZ-2008-like industry: its share of accounts, how much more often it is won (log-odds), typical size and words for names. */
interface Industry {
  name: string;
  weight: number;
  win: number;
  /** Median employees. */
  employees: number;
  /** Revenue per employee in thousand EUR. */
  revenue: number;
  words: readonly string[];
}

const INDUSTRIES: readonly Industry[] = [
  { name: 'Maschinenbau', weight: 12, win: 1.3, employees: 70, revenue: 230, words: ['Maschinenbau', 'Anlagenbau', 'Antriebstechnik', 'Fördertechnik'] },
  { name: 'Herstellung von Metallerzeugnissen', weight: 9, win: 0.9, employees: 40, revenue: 170, words: ['Metallbau', 'Stahlbau', 'Präzisionsteile', 'Blechtechnik'] },
  { name: 'Herstellung von chemischen Erzeugnissen', weight: 4, win: 0.7, employees: 120, revenue: 380, words: ['Chemie', 'Kunststoffe', 'Lacke'] },
  { name: 'Herstellung von Nahrungs- und Futtermitteln', weight: 6, win: 0, employees: 45, revenue: 250, words: ['Feinkost', 'Backwaren', 'Molkerei', 'Getränke'] },
  { name: 'Baugewerbe', weight: 10, win: -0.9, employees: 15, revenue: 140, words: ['Bau', 'Hochbau', 'Haustechnik', 'Dachbau'] },
  { name: 'Großhandel', weight: 10, win: 0.3, employees: 22, revenue: 600, words: ['Handel', 'Großhandel', 'Vertrieb', 'Import'] },
  { name: 'Einzelhandel', weight: 9, win: -1, employees: 10, revenue: 200, words: ['Handelshaus', 'Fachmarkt', 'Moden'] },
  { name: 'Verkehr und Lagerei', weight: 7, win: 0.4, employees: 35, revenue: 150, words: ['Logistik', 'Spedition', 'Transporte'] },
  { name: 'Gastgewerbe', weight: 5, win: -1.6, employees: 9, revenue: 60, words: ['Hotel', 'Gastronomie', 'Catering'] },
  { name: 'Informationstechnologische Dienstleistungen', weight: 9, win: 1, employees: 25, revenue: 160, words: ['IT', 'Software', 'Systemhaus', 'Digital'] },
  { name: 'Finanzdienstleistungen', weight: 4, win: -0.3, employees: 50, revenue: 300, words: ['Finanz', 'Leasing', 'Vermögensberatung'] },
  { name: 'Unternehmensberatung', weight: 6, win: -0.4, employees: 8, revenue: 120, words: ['Consulting', 'Beratung', 'Partners'] },
  { name: 'Architektur- und Ingenieurbüros', weight: 5, win: 0.2, employees: 11, revenue: 110, words: ['Ingenieure', 'Planung', 'Architekten'] },
  { name: 'Gesundheitswesen', weight: 4, win: -0.6, employees: 40, revenue: 70, words: ['Medizintechnik', 'Pflege', 'Praxisbedarf'] },
  { name: 'Energieversorgung', weight: 2, win: 0.6, employees: 150, revenue: 900, words: ['Energie', 'Stadtwerke', 'Solar'] }
];

/** Lead sources: share and log-odds of being won. */
const SOURCES = [
  ['Website', 25, 0],
  ['Messe', 18, 0.3],
  ['Google Ads', 15, -0.4],
  ['LinkedIn', 12, -0.2],
  ['Kaltakquise', 12, -0.9],
  ['Empfehlung', 10, 1.1],
  ['Partner', 8, 0.8]
] as const;

/** Countries of the accounts: share and log-odds of being won. */
const COUNTRIES = [
  ['DE', 76, 0],
  ['AT', 13, -0.2],
  ['CH', 11, -0.5]
] as const;

/** Country, town, region (Bundesland or Kanton), postcode range and step, weight. */
type Place = readonly [string, string, string, number, number, number, number];
const PLACES: readonly Place[] = [
  ...TOWNS.map(([town, land, lo, hi, w]) => ['DE', town, land, lo, hi, 1, w] as const),
  ['AT', 'Wien', 'Wien', 1010, 1230, 10, 40],
  ['AT', 'Graz', 'Steiermark', 8010, 8054, 1, 10],
  ['AT', 'Linz', 'Oberösterreich', 4020, 4040, 1, 9],
  ['AT', 'Salzburg', 'Salzburg', 5020, 5026, 1, 7],
  ['AT', 'Innsbruck', 'Tirol', 6020, 6080, 1, 6],
  ['AT', 'Klagenfurt am Wörthersee', 'Kärnten', 9020, 9073, 1, 4],
  ['AT', 'St. Pölten', 'Niederösterreich', 3100, 3109, 1, 3],
  ['AT', 'Bregenz', 'Vorarlberg', 6900, 6900, 1, 2],
  ['CH', 'Zürich', 'Zürich', 8001, 8057, 1, 30],
  ['CH', 'Winterthur', 'Zürich', 8400, 8411, 1, 6],
  ['CH', 'Basel', 'Basel-Stadt', 4001, 4059, 1, 12],
  ['CH', 'Bern', 'Bern', 3001, 3030, 1, 10],
  ['CH', 'Genf', 'Genf', 1201, 1209, 1, 12],
  ['CH', 'Lausanne', 'Waadt', 1003, 1018, 1, 7],
  ['CH', 'Luzern', 'Luzern', 6003, 6006, 1, 6],
  ['CH', 'St. Gallen', 'St. Gallen', 9000, 9016, 1, 5],
  ['CH', 'Lugano', 'Tessin', 6900, 6917, 1, 4],
  ['CH', 'Zug', 'Zug', 6300, 6300, 1, 3]
];

const LEGAL_FORMS: Record<string, readonly (readonly [string, number])[]> = {
  DE: [
    ['GmbH', 55],
    ['GmbH & Co. KG', 20],
    ['KG', 8],
    ['e.K.', 6],
    ['AG', 6],
    ['SE', 1]
  ],
  AT: [
    ['GmbH', 70],
    ['KG', 10],
    ['AG', 8],
    ['OG', 7],
    ['e.U.', 5]
  ],
  CH: [
    ['AG', 55],
    ['GmbH', 40],
    ['SA', 5]
  ]
};
const STEM_HEAD = ['Al', 'Bel', 'Cor', 'Dan', 'El', 'Fal', 'Gar', 'Hel', 'Ist', 'Kal', 'Lum', 'Mer', 'Nor', 'Ost', 'Pal', 'Quar', 'Ros', 'Sal', 'Tor', 'Ul', 'Val', 'Wes', 'Xen', 'Zan'];
const STEM_TAIL = ['tec', 'via', 'tron', 'lux', 'dex', 'mar', 'wert', 'sol', 'nova', 'ris', 'tal', 'ken', 'bor', 'do', 'lin', 'vis'];

const EVENT_TYPES = ['Website-Besuch', 'Webinar', 'Whitepaper', 'Demo', 'Angebot', 'Kauf'] as const;
type EventType = (typeof EVENT_TYPES)[number];

/** Channels each event type arrives through. */
const EVENT_CHANNELS: Record<EventType, readonly (readonly [string, number])[]> = {
  'Website-Besuch': [
    ['Organische Suche', 35],
    ['Direkt', 18],
    ['Google Ads', 20],
    ['E-Mail', 15],
    ['LinkedIn', 12]
  ],
  Webinar: [
    ['E-Mail', 55],
    ['LinkedIn', 35],
    ['Direkt', 10]
  ],
  Whitepaper: [
    ['Organische Suche', 30],
    ['Google Ads', 25],
    ['LinkedIn', 25],
    ['E-Mail', 20]
  ],
  Demo: [
    ['Telefon', 30],
    ['E-Mail', 25],
    ['Außendienst', 20],
    ['Direkt', 15],
    ['Messe', 10]
  ],
  Angebot: [
    ['E-Mail', 45],
    ['Außendienst', 40],
    ['Telefon', 15]
  ],
  Kauf: [
    ['Direkt', 35],
    ['Außendienst', 35],
    ['E-Mail', 30]
  ]
};
const OFFLINE = new Set(['Telefon', 'Außendienst', 'Messe']);
const BROWSERS: Record<string, readonly (readonly [string, number])[]> = {
  Desktop: [
    ['Chrome', 48],
    ['Edge', 30],
    ['Firefox', 14],
    ['Safari', 8]
  ],
  Smartphone: [
    ['Chrome', 55],
    ['Safari', 38],
    ['Samsung Internet', 7]
  ],
  Tablet: [
    ['Safari', 60],
    ['Chrome', 40]
  ]
};

interface Firm {
  id: string;
  employees: number;
  won: boolean;
  /** Day the account became a customer (won accounts). */
  since?: number;
  /** Probability of being won given what is known of the account: high for prospects that look like customers. */
  fit: number;
  /** Relative number of events; 0 for accounts without activity. */
  activity: number;
  from: number;
  to: number;
  row: string[];
}

const sigmoid = (x: number) => 1 / (1 + Math.exp(-x));

function sizeEffect(employees: number): number {
  if (employees < 10) return -0.9;
  if (employees < 50) return 0;
  if (employees < 250) return 1;
  if (employees < 1000) return 0.7;
  return -0.2;
}

function firmName(r: Draws, industry: Industry, country: string, taken: Set<string>): string {
  for (;;) {
    const stem = r.pick(STEM_HEAD) + r.pick(STEM_TAIL);
    const word = r.chance(0.7) ? ` ${r.pick(industry.words)}` : '';
    const name = `${stem}${word} ${r.weighted(LEGAL_FORMS[country])}`;
    if (!taken.has(name)) {
      taken.add(name);
      return name;
    }
  }
}

function makeFirms(r: Draws): Firm[] {
  const firms: Firm[] = [];
  const names = new Set<string>();
  for (let i = 0; i < FIRMS; i++) {
    const industry = r.weighted(INDUSTRIES.map((x) => [x, x.weight] as const));
    const [country, , countryWin] = r.weighted(COUNTRIES.map((c) => [c, c[1]] as const));
    const [, town, region, lo, hi, step] = r.weighted(PLACES.filter((p) => p[0] === country).map((p) => [p, p[6]] as const));
    const employees = Math.min(25000, Math.max(1, Math.round(industry.employees * Math.exp(1.25 * r.normal()))));
    const [source, , sourceWin] = r.weighted(SOURCES.map((s) => [s, s[1]] as const));
    const fit = sigmoid(-1.9 + industry.win + sizeEffect(employees) + countryWin + sourceWin);
    const won = r.chance(sigmoid(Math.log(fit / (1 - fit)) + 0.5 * r.normal()));
    const recentWin = won && r.chance(0.35);
    const since = won
      ? recentWin
        ? ACTIVITY_FIRST + 14 * DAY + r.int(0, 685) * DAY
        : Date.UTC(2010, 0, 1) + r.int(0, 5112) * DAY
      : undefined;
    const active = won ? r.chance(0.93) : r.chance(0.75 + 0.2 * fit);
    const activity = active ? Math.exp(0.8 * r.normal()) * (won ? 1.6 : 0.5 + 1.5 * fit) : 0;
    let to = r.chance(won ? 0.6 : 0.4) ? LAST_DAY - r.int(0, 20) * DAY : ACTIVITY_FIRST + r.int(60, 670) * DAY;
    let from = Math.max(ACTIVITY_FIRST, to - r.int(60, 730) * DAY);
    if (recentWin && since !== undefined) {
      from = Math.max(ACTIVITY_FIRST, Math.min(from, since - 120 * DAY));
      to = Math.min(LAST_DAY, Math.max(to, since + 60 * DAY));
    }
    const revenue = r.chance(won ? 0.01 : 0.07) ? '' : euro(Math.round(employees * industry.revenue * Math.exp(0.35 * r.normal()) * 1000) * 100);
    const postcode = lo + step * r.int(0, Math.floor((hi - lo) / step));
    const id = `F-${10001 + i}`;
    firms.push({
      id,
      employees,
      won,
      since,
      fit,
      activity,
      from,
      to,
      row: [
        id,
        firmName(r, industry, country, names),
        industry.name,
        String(employees),
        revenue,
        country,
        region,
        town,
        String(postcode).padStart(country === 'DE' ? 5 : 4, '0'),
        since === undefined ? '' : ddmmyyyy(since),
        won ? 'ja' : 'nein',
        source
      ]
    });
  }
  return firms;
}

function eventType(r: Draws, firm: Firm, day: number): EventType {
  if (firm.won && firm.since !== undefined && day >= firm.since) {
    return r.weighted([
      ['Website-Besuch', 45],
      ['Webinar', 8],
      ['Whitepaper', 6],
      ['Demo', 4],
      ['Angebot', 12],
      ['Kauf', 25]
    ] as const);
  }
  if (firm.won) {
    return r.weighted([
      ['Website-Besuch', 35],
      ['Webinar', 14],
      ['Whitepaper', 14],
      ['Demo', 18],
      ['Angebot', 19]
    ] as const);
  }
  return r.weighted([
    ['Website-Besuch', 62],
    ['Webinar', 12],
    ['Whitepaper', 16],
    ['Demo', 2 + 14 * firm.fit],
    ['Angebot', 1 + 10 * firm.fit]
  ] as const);
}

function makeActivities(r: Draws, firms: Firm[]): string[][] {
  const weights = firms.map((f) => [f, f.activity] as const);
  const events: { day: number; row: string[] }[] = [];
  for (let i = 0; i < EVENTS; i++) {
    const firm = r.weighted(weights);
    const day = firm.from + r.int(0, (firm.to - firm.from) / DAY) * DAY;
    const type = eventType(r, firm, day);
    const channel = r.weighted(EVENT_CHANNELS[type]);
    let device = '';
    let browser = '';
    if (!OFFLINE.has(channel)) {
      const app = firm.won && (type === 'Kauf' || type === 'Website-Besuch') ? 8 : 0;
      device = r.weighted([
        ['Desktop', 64],
        ['Smartphone', 24],
        ['Tablet', 6],
        ['App', app]
      ] as const);
      browser = device === 'App' ? '' : r.weighted(BROWSERS[device]);
    }
    const amount = type === 'Kauf' ? euro(Math.round(Math.exp(Math.log(800) + 0.45 * Math.log(firm.employees) + 0.6 * r.normal()) * 100)) : '';
    events.push({ day, row: [firm.id, ddmmyyyy(day), type, channel, device, browser, amount] });
  }
  events.sort((a, b) => a.day - b.day);
  return events.map((e) => e.row);
}

const NEEDS = ['Preis wichtig', 'Nachhaltigkeit wichtig', 'Schnelle Lieferung wichtig', 'Beratung wichtig', 'Qualität wichtig'];
const INTERESTS = ['Kochen', 'Garten', 'Sport', 'Reisen', 'Technik', 'Mode', 'Outdoor', 'Heimwerken', 'Lesen', 'Gaming', 'Wohnen'];

/** A needs profile: mean answers (in `NEEDS` order) and how much it favours each interest. */
interface NeedsProfile {
  centre: readonly number[];
  interests: readonly number[];
}

const PROFILES: readonly NeedsProfile[] = [
  { centre: [4.7, 2, 3.2, 1.8, 2.8], interests: [3, 1, 3, 2, 3, 2, 1, 3, 1, 4, 1] },
  { centre: [2.2, 4.7, 2.5, 3, 4.5], interests: [4, 5, 2, 3, 1, 2, 4, 1, 3, 1, 3] },
  { centre: [3.3, 2.4, 4.8, 1.9, 3.2], interests: [1, 1, 3, 3, 4, 4, 1, 1, 1, 3, 2] },
  { centre: [2.8, 3.2, 2.2, 4.8, 4.2], interests: [3, 4, 1, 4, 1, 1, 2, 3, 4, 0, 4] }
];

function maritalStatus(r: Draws, age: number): string {
  if (r.chance(0.03)) return '';
  const [single, married, divorced, widowed] = age < 30 ? [80, 18, 2, 0] : age < 50 ? [35, 52, 12, 1] : age < 65 ? [15, 60, 18, 7] : [7, 55, 12, 26];
  return r.weighted([
    ['ledig', single],
    ['verheiratet', married],
    ['geschieden', divorced],
    ['verwitwet', widowed]
  ] as const);
}

function makeSurvey(r: Draws, customers: readonly Customer[]): string[][] {
  const order = customers.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = r.int(0, i);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return order
    .slice(0, SURVEYED)
    .sort((a, b) => a - b)
    .map((i) => {
      const c = customers[i];
      const age = 2025 - Number(c.row[6].slice(6));
      const profile = r.weighted([
        [PROFILES[0], 30 + (age < 35 ? 15 : 0) + (c.channel === 'App' ? 5 : 0)],
        [PROFILES[1], 25 + (age >= 30 && age < 55 ? 10 : 0)],
        [PROFILES[2], 25 + (c.channel === 'Filiale' ? 0 : 10)],
        [PROFILES[3], 20 + (age >= 60 ? 15 : 0) + (c.channel === 'Filiale' ? 15 : 0)]
      ] as const);
      const answers = profile.centre.map((m) => String(Math.min(5, Math.max(1, Math.round(m + 0.65 * r.normal())))));
      const chosen = new Set<string>();
      const wanted = r.chance(0.03) ? 0 : r.int(1, 3);
      while (chosen.size < wanted) chosen.add(r.weighted(INTERESTS.map((x, k) => [x, profile.interests[k]] as const)));
      return [c.id, ...answers, maritalStatus(r, age), INTERESTS.filter((x) => chosen.has(x)).join(', ')];
    });
}

const all = (...rules: Rule[]): RuleGroup => ({ type: 'group', op: 'and', rules });
const any = (...rules: Rule[]): RuleGroup => ({ type: 'group', op: 'or', rules });
const not = (...rules: Rule[]): RuleGroup => ({ type: 'group', op: 'and', not: true, rules });
/** A column condition with one operand (or none). */
const is = (column: string, op: ConditionOp, value?: RuleValue): ColumnCondition =>
  value === undefined ? { type: 'condition', column, op } : { type: 'condition', column, op, value };
/** A column condition with a list (`in`, `not_in`) or a `[low, high]` pair (`between`). */
const among = (column: string, op: 'in' | 'not_in' | 'between', values: RuleValue[]): ColumnCondition => ({ type: 'condition', column, op, values });
type Behaviour = Omit<BehaviourCondition, 'type' | 'table' | 'key'>;
const ordered = (b: Behaviour): BehaviourCondition => ({ type: 'behaviour', table: 'bestellungen', key: 'Kundennummer', dateColumn: 'Bestelldatum', ...b });
const acted = (b: Behaviour): BehaviourCondition => ({ type: 'behaviour', table: 'aktivitaeten', key: 'Firmennummer', dateColumn: 'Datum', ...b });
const ofType = (typ: string): RuleGroup => all(is('Typ', 'eq', typ));

/** A sample CSV as the German export it is: `;`, Windows-1252, `1.234,56`, `31.12.2025`. */
function germanCsv(name: string, path: string, text: string[] = []): Source {
  const columnTypes = Object.fromEntries(text.map((c) => [c, 'VARCHAR']));
  const csv = { delimiter: ';', encoding: 'windows-1252', numberLocale: 'de', dateFormat: '%d.%m.%Y', ...(text.length ? { columnTypes } : {}) } as const;
  return { name, path, format: 'csv', options: { csv } };
}

const RATE_90: Kpi = { label: 'Kauf in den letzten 90 Tagen', kind: 'rate', column: 'kauf_90_tage' };
const MEAN_REVENUE: Kpi = { label: 'Ø Umsatz je Kunde', kind: 'mean', column: 'umsatz' };
const BASKET: Kpi = { label: 'Ø Warenkorb', kind: 'ratio', column: 'umsatz', denominator: 'bestellungen' };
const ROI: Kpi = { label: 'ROI der Servicekosten', kind: 'roi', column: 'marge', denominator: 'servicekosten' };
const INDUSTRY = ['Maschinenbau', 'Herstellung von Metallerzeugnissen', 'Herstellung von chemischen Erzeugnissen', 'Energieversorgung'];

/** The segment sample: every segment type and rule type of segment cells, B2C and B2B. */
/** Customer value over the B2C orders: RFM, CLV (BG/NBD + Gamma-Gamma), tiers by margin, cohorts. */
function valueNotebook(): Notebook {
  const orders = { table: 'bestellungen', key: 'Kundennummer', date: 'Bestelldatum', amount: 'Betrag', orderId: 'Bestellnummer', margin: 'Marge' };
  return sampleNotebook({
    title: 'Beispiel: Kundenwert (RFM, CLV, Profitabilität, Kohorten)',
    settings: { locale: 'de', referenceDate: '2025-12-31' },
    sources: [germanCsv('kunden', 'kunden.csv', ['PLZ']), germanCsv('bestellungen', 'bestellungen.csv')],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['Kundenwert', 'Customer value'],
          [
            'Wer bringt heute den meisten Wert, wer morgen? Vier Sichten auf dieselben 15.000 Bestellungen (erfundene Daten, Stichtag 31.12.2025): **RFM** (wie kürzlich, wie oft, wie viel), **CLV** (erwarteter künftiger Wert nach BG/NBD und Gamma-Gamma), **Profitabilitätsstufen** (zuerst profitabel oder nicht, dann nach Segment) und **Kohorten** (Bindung nach Erstkaufmonat).',
            '**RFM:** Jede Kundin bekommt je 1 bis 5 Punkte (Quintile, 5 = am besten) für Recency (Tage seit dem letzten Kauf), Frequency (Zahl der Bestellungen) und Monetary (Umsatz). Die Felder des R×F-Rasters tragen Namen wie *Champions* (kürzlich und oft) oder *Gefährdet* (früher oft, lange nicht mehr).'
          ],
          [
            'Who brings the most value today, and who tomorrow? Four views of the same 15,000 orders (made-up data, reference date 31 Dec 2025): **RFM** (how recently, how often, how much), **CLV** (expected future value by BG/NBD and Gamma-Gamma), **profitability tiers** (profitable or not first, then by segment) and **cohorts** (retention by month of first purchase).',
            '**RFM:** every customer gets 1 to 5 points (quintiles, 5 = best) for recency (days since the last purchase), frequency (number of orders) and monetary value (revenue). The fields of the R×F grid carry names such as *Champions* (recent and frequent) or *At risk* (once frequent, long quiet).'
          ],
          1
        )
      },
      {
        id: 'rfm',
        kind: 'rfm',
        name: 'rfm',
        ...orders,
        monetary: 'sum',
        segments: defaultRfmSegments('de').map((s) => ({ name: s.name, r: [...s.r] as [number, number], f: [...s.f] as [number, number] })),
        kpis: [{ label: 'Ø Marge', kind: 'mean', column: 'margin' }]
      },
      {
        id: 'clv_intro',
        kind: 'markdown',
        text: explain(
          ['CLV', 'CLV'],
          [
            'BG/NBD schätzt aus Anzahl und Zeitpunkt der Wiederholungskäufe bis Ende Juni 2025 (Kalibrierung), wie viele Käufe jede Kundin künftig tätigt und wie wahrscheinlich sie noch aktiv ist; Gamma-Gamma schätzt die Marge je Kauf. Zusammen ergeben sie den CLV der nächsten 12 Monate, mit 10 % im Jahr abgezinst.',
            'Das zweite Halbjahr 2025 dient als Prüfzeitraum (Holdout): vorhergesagte gegen tatsächliche Käufe. Liegen beide Kurven nahe beieinander, taugt das Modell für diese Daten.'
          ],
          [
            'From the number and timing of repeat purchases up to the end of June 2025 (calibration), BG/NBD estimates how many purchases each customer will make and how likely she is still active; Gamma-Gamma estimates the margin per purchase. Together they give the CLV of the next 12 months, discounted at 10 % a year.',
            'The second half of 2025 is the holdout: predicted against actual purchases. When the two curves lie close together, the model suits these data.'
          ]
        )
      },
      {
        id: 'clv',
        kind: 'clv',
        name: 'clv',
        ...orders,
        valueBy: 'margin',
        calibrationEnd: '2025-06-30',
        holdoutEnd: '2025-12-31',
        unit: 'week',
        horizon: 12,
        period: 'month',
        discountRate: 0.1
      },
      {
        id: 'kosten',
        kind: 'sql',
        name: 'kundenwert',
        sql: [
          '-- Kosten je Kunde (angenommen): 30 € Abwicklung je Bestellung, Retouren und Zahlung eingeschlossen',
          'SELECT c.*, 30.0 * o.bestellungen AS servicekosten',
          'FROM clv c',
          'JOIN (SELECT "Kundennummer", count(*) AS bestellungen FROM bestellungen',
          "      WHERE \"Bestelldatum\" <= DATE '2025-06-30' GROUP BY ALL) o USING (\"Kundennummer\")"
        ].join('\n')
      },
      {
        id: 'stufen_intro',
        kind: 'markdown',
        text: explain(
          ['Profitabilitätsstufen', 'Profitability tiers'],
          [
            'Erst trennen: Wer bringt nach Servicekosten (angenommen 30 € je Bestellung) Marge, wer nicht? Unter den Unprofitablen zeigen die mit hohem vorhergesagtem CLV (über 100 €) Wachstumspotenzial. Die Profitablen werden nach ihrem RFM-Segment unterteilt.'
          ],
          [
            'Split first: who brings margin after the cost to serve (assumed 30 € per order), and who does not? Among the unprofitable, those with a high predicted CLV (above 100 €) show growth potential. The profitable ones are subdivided by their RFM segment.'
          ]
        )
      },
      {
        id: 'stufen',
        kind: 'tiers',
        name: 'stufen',
        table: 'kundenwert',
        key: 'Kundennummer',
        value: 'historical_value',
        cost: 'servicekosten',
        potential: { column: 'predicted_clv', above: 100 },
        subdivide: 'rfm'
      },
      {
        id: 'kohorten_intro',
        kind: 'markdown',
        text: explain(
          ['Kohorten', 'Cohorts'],
          [
            'Eine Kohorte sind alle, die im selben Monat zum ersten Mal gekauft haben. Jede Zeile der Tabelle ist eine Kohorte, jede Spalte ein Monat danach: Welcher Anteil kauft wieder? Fällt die Bindung bei jüngeren Kohorten schneller, lohnt ein Blick auf Neukunden-Angebote.'
          ],
          [
            'A cohort is everyone who bought for the first time in the same month. Each row of the table is a cohort, each column a month after: which share buys again? If retention falls faster for younger cohorts, look at the offers for new customers.'
          ]
        )
      },
      { id: 'kohorten', kind: 'cohort', name: 'kohorten', table: 'bestellungen', key: 'Kundennummer', date: 'Bestelldatum', amount: 'Betrag' }
    ]
  });
}

function segmentsNotebook(): Notebook {
  return sampleNotebook({
    title: 'Beispiel: Segmentierung B2C und B2B',
    settings: { locale: 'de', referenceDate: '2025-12-31', guards: { minSize: 30, minShare: 0.01, maxCiMargin: 0.25, minExportSize: 10 } },
    sources: [
      germanCsv('kunden', 'kunden.csv', ['PLZ']),
      germanCsv('bestellungen', 'bestellungen.csv'),
      germanCsv('umfrage', 'umfrage.csv'),
      germanCsv('firmen', 'firmen.csv', ['PLZ']),
      germanCsv('aktivitaeten', 'aktivitaeten.csv')
    ],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['Segmentierung B2C und B2B', 'Segmentation, B2C and B2B'],
          [
            'Erfundene Beispieldaten: 2.000 Privatkundinnen und -kunden mit 15.000 Bestellungen und einer Bedürfnis-Umfrage unter 800 von ihnen, dazu 1.500 Firmen in Deutschland, Österreich und der Schweiz mit 20.000 Marketing- und Vertriebsaktivitäten. Stichtag ist der 31.12.2025.',
            'Jede Segment-Zelle teilt die Zeilen einer Entitätstabelle (Kunden, Firmen) in Segmente. Eine **Segmentierung** (exklusiv) ordnet jede Zeile dem ersten passenden Segment zu, der Rest kommt in ein Restsegment; **überlappende** Segmente zählen eine Zeile in jedem Segment, zu dem sie passt. Regeln sind Bedingungen auf Spalten (gleich, Liste, Text, Bereich, leer, Datum, Rang), Verhaltensbedingungen über eine zweite Tabelle (Anzahl, Summe, Durchschnitt, Minimum, Maximum, letzter Wert, Tage seit dem letzten Mal, gibt es / gibt es nicht; in einem Zeitfenster relativ zum Stichtag), verknüpft mit UND, ODER und NICHT, oder eine eigene SQL-Bedingung.',
            'Segmenttypen: demografisch, geografisch, verhaltensbasiert, technologisch, wertbasiert und bedürfnisbasiert (B2C); firmografisch und verhaltensbasiert (B2B). Jedes Profil vergleicht die Segmente mit der Basis: Kaufquote, Ø Umsatz, Umsatzanteil, Ø Warenkorb und ROI der Servicekosten mit 95-%-Intervallen und Index.'
          ],
          [
            'Made-up sample data: 2,000 consumers with 15,000 orders and a needs survey among 800 of them, plus 1,500 companies in Germany, Austria and Switzerland with 20,000 marketing and sales activities. The reference date is 31 Dec 2025.',
            'Each segment cell splits the rows of an entity table (customers, companies) into segments. A **segmentation** (exclusive) puts each row into the first segment it matches and the others into a rest segment; **overlapping** segments count a row in every segment it matches. Rules are conditions on columns (equals, list, text, range, empty, date, rank), behavioural conditions over a second table (count, sum, mean, minimum, maximum, last value, days since the last time, exists / does not exist; in a time window relative to the reference date), joined by AND, OR and NOT, or a SQL condition of your own.',
            'Segment types: demographic, geographic, behavioural, technographic, value-based and needs-based (B2C); firmographic and behavioural (B2B). Each profile compares the segments with the base: purchase rate, mean revenue, revenue share, mean basket and return on the cost to serve, with 95 % intervals and an index.'
          ],
          1
        )
      },
      {
        id: 'kunden_kpi',
        kind: 'sql',
        name: 'kunden_kpi',
        sql: [
          '-- Eine Zeile je Kunde: Stammdaten, Alter am Stichtag und Kennzahlen aus den Bestellungen.',
          '-- Beträge als DECIMAL summiert: exakt, in jeder Reihenfolge gleich.',
          'SELECT k."Kundennummer", k."Vorname", k."Nachname", k."E-Mail", k."PLZ", k."Ort", k."Bundesland",',
          '  k."Geschlecht", k."Geburtsdatum",',
          '  date_sub(\'year\', k."Geburtsdatum", getvariable(\'reference_date\')) AS "Alter",',
          '  k."Kanal", k."Kunde seit",',
          '  count(b."Bestellnummer") AS bestellungen,',
          '  coalesce(sum(CAST(b."Betrag" AS DECIMAL(18, 2))), 0) AS umsatz,',
          '  coalesce(sum(CAST(b."Marge" AS DECIMAL(18, 2))), 0) AS marge,',
          '  -- Kosten je Bestellung: Filiale 12 €, Online 7 €, App 4 €.',
          '  coalesce(sum(CASE b."Kanal" WHEN \'Filiale\' THEN 12 WHEN \'Online\' THEN 7 ELSE 4 END), 0) AS servicekosten,',
          '  coalesce(bool_or(b."Bestelldatum" > getvariable(\'reference_date\') - 90), false) AS kauf_90_tage,',
          '  max(b."Bestelldatum") AS letzte_bestellung,',
          '  getvariable(\'reference_date\') - max(b."Bestelldatum") AS tage_seit_letzter',
          'FROM kunden k',
          'LEFT JOIN bestellungen b USING ("Kundennummer")',
          'GROUP BY ALL',
          'ORDER BY k."Kundennummer"'
        ].join('\n')
      },
      {
        id: 'demografie',
        kind: 'segment',
        table: 'kunden_kpi',
        key: 'Kundennummer',
        exclusive: false,
        segments: [
          { name: '18–34 Jahre', tags: ['alter'], rule: all(is('Geburtsdatum', 'after', '1990-12-31'), is('Geburtsdatum', 'before', '2008-01-01')) },
          { name: '35–49 Jahre', tags: ['alter'], rule: all(is('Geburtsdatum', 'after', '1975-12-31'), is('Geburtsdatum', 'before', '1991-01-01')) },
          { name: '50–64 Jahre', tags: ['alter'], rule: all(is('Geburtsdatum', 'after', '1960-12-31'), is('Geburtsdatum', 'before', '1976-01-01')) },
          { name: '65+ Jahre', tags: ['alter'], rule: all(is('Geburtsdatum', 'before', '1961-01-01')) },
          { name: 'Frauen', tags: ['geschlecht'], rule: all(is('Geschlecht', 'eq', 'w')) },
          { name: 'Männer', tags: ['geschlecht'], rule: all(is('Geschlecht', 'eq', 'm')) }
        ],
        kpis: [RATE_90, MEAN_REVENUE],
        profileColumns: ['Kanal']
      },
      {
        id: 'geografie',
        kind: 'segment',
        table: 'kunden_kpi',
        key: 'Kundennummer',
        exclusive: true,
        rest: 'Übriger Westen und Norden',
        segments: [
          { name: 'Stadtstaaten', tags: ['region'], rule: all(among('Bundesland', 'in', ['Berlin', 'Hamburg', 'Bremen'])) },
          { name: 'Süden', tags: ['region'], rule: all(among('Bundesland', 'in', ['Bayern', 'Baden-Württemberg'])) },
          {
            name: 'Osten (PLZ 0, 1, 39, 99)',
            tags: ['region', 'plz'],
            rule: any(is('PLZ', 'starts_with', '0'), is('PLZ', 'starts_with', '1'), is('PLZ', 'starts_with', '39'), is('PLZ', 'starts_with', '99'))
          },
          { name: 'Rheinland', tags: ['region'], rule: all(is('Bundesland', 'contains', 'rhein')) }
        ],
        kpis: [MEAN_REVENUE, BASKET],
        profileColumns: ['Kanal', 'Geschlecht']
      },
      {
        id: 'verhalten',
        kind: 'segment',
        table: 'kunden_kpi',
        key: 'Kundennummer',
        exclusive: false,
        segments: [
          { name: 'Aktiv: ≥ 2 Bestellungen in 90 Tagen', tags: ['aktiv'], rule: all(ordered({ measure: 'count', window: { kind: 'last_days', days: 90 }, op: 'gte', value: 2 })) },
          { name: 'Über 500 € in diesem Jahr', tags: ['umsatz-2025'], rule: all(ordered({ measure: 'sum', column: 'Betrag', window: { kind: 'this_year' }, op: 'gt', value: 500 })) },
          { name: 'Abgewandert: > 180 Tage ohne Bestellung', tags: ['churn'], rule: all(ordered({ measure: 'days_since_last', op: 'gt', value: 180 })) },
          { name: 'Kürzlich gekauft: < 30 Tage', tags: ['frisch'], rule: all(ordered({ measure: 'days_since_last', op: 'lt', value: 30 })) },
          { name: 'Zuletzt per App bestellt', tags: ['app'], rule: all(ordered({ measure: 'last', column: 'Kanal', op: 'eq', value: 'App' })) },
          { name: 'Stammkunden: 5–9 Bestellungen', tags: ['stamm'], rule: all(ordered({ measure: 'count', op: 'between', values: [5, 9] })) },
          { name: 'Großer Warenkorb: Ø ≥ 150 €', tags: ['warenkorb'], rule: all(ordered({ measure: 'avg', column: 'Betrag', op: 'gte', value: 150 })) },
          {
            name: 'Weihnachtskäufer 2024',
            tags: ['saison'],
            rule: all(ordered({ measure: 'exists', window: { kind: 'between', from: '2024-11-25', to: '2024-12-24' } }))
          },
          { name: 'Noch nie bestellt', tags: ['lead'], rule: all(ordered({ measure: 'not_exists' })) }
        ],
        kpis: [{ label: 'Umsatz', kind: 'sum', column: 'umsatz' }, { label: 'Margenquote', kind: 'ratio', column: 'marge', denominator: 'umsatz' }]
      },
      {
        id: 'technologie',
        kind: 'segment',
        table: 'kunden_kpi',
        key: 'Kundennummer',
        exclusive: true,
        rest: 'Ohne Bestellung',
        segments: [
          {
            name: 'App-Nutzer (letzte 365 Tage)',
            tags: ['app'],
            rule: all(ordered({ measure: 'exists', window: { kind: 'last_days', days: 365 }, where: all(is('Kanal', 'eq', 'App')) }))
          },
          {
            name: 'Zuletzt mobil (Smartphone, Tablet)',
            tags: ['mobil'],
            rule: any(ordered({ measure: 'last', column: 'Gerät', op: 'eq', value: 'Smartphone' }), ordered({ measure: 'last', column: 'Gerät', op: 'eq', value: 'Tablet' }))
          },
          { name: 'Zuletzt am Desktop', tags: ['desktop'], rule: all(ordered({ measure: 'last', column: 'Gerät', op: 'eq', value: 'Desktop' })) },
          { name: 'Nur Filiale', tags: ['offline'], rule: all(ordered({ measure: 'exists' }), ordered({ measure: 'not_exists', where: all(is('Gerät', 'not_empty')) })) }
        ],
        kpis: [ROI, BASKET],
        profileColumns: ['Kanal']
      },
      {
        id: 'wert_vorjahr',
        kind: 'sql',
        name: 'wert_vorjahr',
        sql: [
          '-- Die Wertstufen zum 31.12.2024 (Umsatz bis dahin), als frühere Zugehörigkeit für die Wanderungen der Zelle "kundenwert".',
          'WITH umsatz AS (',
          '  SELECT k."Kundennummer", coalesce(sum(CAST(b."Betrag" AS DECIMAL(18, 2))), 0) AS umsatz',
          '  FROM kunden k',
          '  LEFT JOIN bestellungen b ON b."Kundennummer" = k."Kundennummer" AND b."Bestelldatum" <= DATE \'2024-12-31\'',
          '  WHERE k."Kunde seit" <= DATE \'2024-12-31\'',
          '  GROUP BY ALL',
          '), rang AS (',
          '  SELECT *, rank() OVER (ORDER BY umsatz DESC) AS von_oben, rank() OVER (ORDER BY umsatz) AS von_unten, count(*) OVER () AS n',
          '  FROM umsatz',
          ')',
          'SELECT "Kundennummer",',
          '  CASE WHEN von_oben <= ceil(0.2 * n) THEN \'Top 20 %\'',
          '    WHEN von_oben <= ceil(0.5 * n) THEN \'Nächste 30 %\'',
          '    WHEN von_unten <= ceil(0.2 * n) THEN \'Untere 20 %\'',
          '    ELSE \'Mitte\' END AS segment',
          'FROM rang',
          'ORDER BY "Kundennummer"'
        ].join('\n')
      },
      {
        id: 'wert',
        kind: 'segment',
        name: 'kundenwert',
        table: 'kunden_kpi',
        key: 'Kundennummer',
        exclusive: true,
        rest: 'Mitte',
        segments: [
          { name: 'Top 20 %', tags: ['wert-a'], rule: all(is('umsatz', 'top_pct', 20)) },
          { name: 'Nächste 30 %', tags: ['wert-b'], rule: all(is('umsatz', 'top_pct', 50)) },
          { name: 'Untere 20 %', tags: ['wert-d'], rule: all(is('umsatz', 'bottom_pct', 20)) }
        ],
        kpis: [RATE_90, MEAN_REVENUE, { label: 'Umsatzanteil', kind: 'sum', column: 'umsatz' }, BASKET, ROI],
        profileColumns: ['Kanal', 'Bundesland'],
        compareWith: 'wert_vorjahr'
      },
      { id: 'wert_chart', kind: 'chart', from: 'wert', chart: { mark: 'bar', x: 'segment', y: 'umsatz', aggregate: 'sum' } },
      {
        id: 'befragte',
        kind: 'sql',
        name: 'befragte',
        sql: [
          '-- Die Antworten der Umfrage (1 = unwichtig … 5 = sehr wichtig) mit den Kennzahlen der Befragten.',
          'SELECT u.*, k."Alter", k."Kanal", k.bestellungen, k.umsatz, k.kauf_90_tage',
          'FROM umfrage u',
          'JOIN kunden_kpi k USING ("Kundennummer")',
          'ORDER BY u."Kundennummer"'
        ].join('\n')
      },
      {
        id: 'beduerfnisse',
        kind: 'segment',
        table: 'befragte',
        key: 'Kundennummer',
        exclusive: false,
        segments: [
          { name: 'Preisbewusst', tags: ['bedarf'], rule: all(is('Preis wichtig', 'gte', 4)) },
          { name: 'Nachhaltig und qualitätsbewusst', tags: ['bedarf'], rule: all(is('Nachhaltigkeit wichtig', 'gte', 4), is('Qualität wichtig', 'gte', 4)) },
          { name: 'Eilig', tags: ['bedarf'], rule: all(is('Schnelle Lieferung wichtig', 'gte', 4)) },
          { name: 'Beratungsorientiert', tags: ['bedarf'], rule: all(is('Beratung wichtig', 'gte', 4)) },
          { name: 'Garten- und Outdoorfans', tags: ['interesse'], rule: any(is('Interessen', 'contains', 'garten'), is('Interessen', 'contains', 'outdoor')) },
          { name: 'Ohne Angabe zum Familienstand', tags: ['datenqualitaet'], rule: all(is('Familienstand', 'empty')) }
        ],
        kpis: [RATE_90, MEAN_REVENUE],
        profileColumns: ['Familienstand', 'Kanal']
      },
      {
        id: 'kampagne',
        kind: 'segment',
        table: 'kunden_kpi',
        key: 'Kundennummer',
        exclusive: false,
        segments: [
          {
            name: 'Reaktivierung: lange still, nicht Filiale',
            tags: ['kampagne', 'winback'],
            rule: all(is('tage_seit_letzter', 'gt', 180), is('umsatz', 'gte', 300), not(is('Kanal', 'eq', 'Filiale')))
          },
          { name: 'Neukunden mit höchstens 5 Bestellungen', tags: ['kampagne', 'onboarding'], rule: all(is('Kunde seit', 'within_last', 365), is('bestellungen', 'lte', 5)) },
          {
            name: 'Mobile Zielgruppe',
            tags: ['kampagne', 'push'],
            rule: any(is('Kanal', 'eq', 'App'), ordered({ measure: 'last', column: 'Gerät', op: 'eq', value: 'Smartphone' }))
          },
          { name: 'VIP (SQL)', tags: ['kampagne', 'vip'], where: '"umsatz" >= 2000 AND "marge" >= 0.3 * "umsatz"' },
          {
            name: 'Newsletter außerhalb der Metropolen',
            tags: ['kampagne', 'newsletter'],
            rule: all(is('E-Mail', 'not_empty'), among('Ort', 'not_in', ['Berlin', 'Hamburg', 'München', 'Köln']), is('Kanal', 'neq', 'Filiale'))
          },
          { name: 'Junge Onlinekunden', tags: ['kampagne', 'social'], rule: all(is('Alter', 'lt', 30), among('Kanal', 'in', ['Online', 'App'])) },
          { name: 'Lange Kunden, lange still', tags: ['kampagne', 'treue'], rule: all(is('Kunde seit', 'not_within_last', 730), is('letzte_bestellung', 'before', '2025-01-01')) }
        ],
        kpis: [RATE_90, MEAN_REVENUE, ROI]
      },
      {
        id: 'b2b',
        kind: 'markdown',
        text: explain(
          ['B2B: Firmen und Aktivitäten', 'B2B: companies and activities'],
          [
            'Die firmografische Segmentierung folgt den KMU-Schwellen der EU (Empfehlung 2003/361/EG: weniger als 10, 50 und 250 Beschäftigte; Jahresumsatz bis 2, 10 und 50 Mio. €), mit den Zielbranchen in Deutschland zuerst. Die Verhaltenssegmente lesen die Aktivitäten je Firma.'
          ],
          [
            "The firmographic segmentation follows the EU's SME thresholds (Recommendation 2003/361/EC: fewer than 10, 50 and 250 employees; annual turnover up to 2, 10 and 50 million €), with the target industries in Germany first. The behavioural segments read each company's activities."
          ]
        )
      },
      {
        id: 'firmografie',
        kind: 'segment',
        name: 'firmensegmente',
        table: 'firmen',
        key: 'Firmennummer',
        exclusive: true,
        rest: 'Über den KMU-Schwellen',
        segments: [
          {
            name: 'Zielbranche Industrie DE (ab 50 MA)',
            tags: ['abm'],
            rule: all(among('Branche', 'in', INDUSTRY), is('Land', 'eq', 'DE'), is('Mitarbeiter', 'gte', 50))
          },
          { name: 'Großunternehmen', tags: ['groesse'], rule: any(is('Mitarbeiter', 'gte', 250), is('Jahresumsatz', 'gt', 50_000_000)) },
          { name: 'Umsatz unbekannt', tags: ['datenqualitaet'], rule: all(is('Jahresumsatz', 'empty')) },
          { name: 'Mittlere Unternehmen (50–249 MA)', tags: ['groesse'], rule: all(among('Mitarbeiter', 'between', [50, 249])) },
          { name: 'Kleine Unternehmen (10–49 MA)', tags: ['groesse'], rule: all(is('Mitarbeiter', 'gte', 10), is('Mitarbeiter', 'lt', 50), is('Jahresumsatz', 'lte', 10_000_000)) },
          { name: 'Kleinstunternehmen (< 10 MA)', tags: ['groesse'], rule: all(is('Mitarbeiter', 'lt', 10), is('Jahresumsatz', 'lte', 2_000_000)) }
        ],
        kpis: [
          { label: 'Gewinnquote', kind: 'rate', column: 'Gewonnen' },
          { label: 'Ø Mitarbeiter', kind: 'mean', column: 'Mitarbeiter' },
          { label: 'Marktvolumen (Jahresumsatz)', kind: 'sum', column: 'Jahresumsatz' }
        ],
        profileColumns: ['Branche', 'Land', 'Quelle']
      },
      { id: 'firmografie_chart', kind: 'chart', from: 'firmografie', chart: { mark: 'bar', x: 'segment', color: 'Land', aggregate: 'count' } },
      {
        id: 'b2b_verhalten',
        kind: 'segment',
        table: 'firmen',
        key: 'Firmennummer',
        exclusive: false,
        segments: [
          {
            name: 'Website besucht, nie gekauft',
            tags: ['nurture'],
            rule: all(acted({ measure: 'exists', where: ofType('Website-Besuch') }), acted({ measure: 'not_exists', where: ofType('Kauf') }))
          },
          { name: 'Webinar in den letzten 60 Tagen', tags: ['webinar'], rule: all(acted({ measure: 'exists', window: { kind: 'last_days', days: 60 }, where: ofType('Webinar') })) },
          {
            name: 'Heiße Leads: ≥ 2 Demos oder Angebote in 180 Tagen',
            tags: ['sales'],
            rule: all(
              acted({ measure: 'count', window: { kind: 'last_days', days: 180 }, where: all(among('Typ', 'in', ['Demo', 'Angebot'])), op: 'gte', value: 2 }),
              is('Gewonnen', 'eq', false)
            )
          },
          { name: 'Käufer 2025', tags: ['kunde'], rule: all(acted({ measure: 'count', window: { kind: 'this_year' }, where: ofType('Kauf'), op: 'neq', value: 0 })) },
          { name: 'Großauftrag ≥ 20.000 €', tags: ['key-account'], rule: all(acted({ measure: 'max', column: 'Betrag', op: 'gte', value: 20000 })) },
          { name: 'Im Kontakt seit Q1 2024', tags: ['bestand'], rule: all(acted({ measure: 'min', column: 'Datum', op: 'lte', value: '2024-03-31' })) },
          { name: 'Zuletzt per App', tags: ['app'], rule: all(acted({ measure: 'last', column: 'Gerät', where: all(is('Gerät', 'not_empty')), op: 'eq', value: 'App' })) },
          { name: 'Inaktiv seit über einem Jahr', tags: ['churn'], rule: all(acted({ measure: 'days_since_last', op: 'gte', value: 365 })) },
          { name: 'Ohne jede Aktivität', tags: ['kalt'], rule: all(acted({ measure: 'not_exists' })) },
          { name: 'Langjährige Kunden', tags: ['kunde'], rule: all(is('Kunde seit', 'not_within_last', 1825)) }
        ],
        kpis: [
          { label: 'Kundenanteil', kind: 'rate', column: 'Gewonnen' },
          { label: 'Ø Mitarbeiter', kind: 'mean', column: 'Mitarbeiter' }
        ],
        profileColumns: ['Land', 'Quelle']
      }
    ]
  });
}

/**
 * A Markdown cell's text that explains a step in German, then in English, under one title in both.
 * Every example notebook explains itself this way, so one file serves a German and an English class.
 * @param titles the German and the English title
 * @param de the German paragraphs
 * @param en the English paragraphs
 * @param level the heading level (1 for a notebook's introduction)
 */
function explain(titles: [string, string], de: string[], en: string[], level = 2): string {
  const hashes = '#'.repeat(level);
  return [`${hashes} ${titles[0]} · ${titles[1]}`, '', `**Deutsch.** ${de[0]}`, ...de.slice(1).flatMap((p) => ['', p]), '', '---', '', `**English.** ${en[0]}`, ...en.slice(1).flatMap((p) => ['', p])].join('\n');
}

/** B2B account segmentation and lookalikes: won accounts as seeds, prospects ranked by likeness. */
function lookalikesNotebook(): Notebook {
  return sampleNotebook({
    title: 'Beispiel: B2B-Kunden und Lookalikes',
    settings: { locale: 'de', referenceDate: '2025-12-31' },
    sources: [germanCsv('firmen', 'firmen.csv', ['PLZ']), germanCsv('aktivitaeten', 'aktivitaeten.csv')],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['B2B-Kunden und Lookalikes', 'B2B accounts and lookalikes'],
          [
            'Erfundene Daten: 1.500 Firmen in Deutschland, Österreich und der Schweiz, davon rund ein Fünftel gewonnene Kunden, dazu 20.000 Marketing- und Vertriebsaktivitäten.',
            'Die Frage des Vertriebs: **Welche Interessenten sehen aus wie unsere Kunden?** Erst fasst eine Segment-Zelle die gewonnenen Firmen als Seeds zusammen; dann ordnet eine Lookalike-Zelle alle anderen Firmen danach, wie ähnlich sie diesen Seeds sind (Branche, Größe, Land, Herkunft des Kontakts).'
          ],
          [
            'Made-up data: 1,500 companies in Germany, Austria and Switzerland, about a fifth of them won accounts, and 20,000 marketing and sales activities.',
            "Sales asks: **which prospects look like our customers?** A segment cell first gathers the won accounts as seeds; a lookalike cell then ranks every other account by how similar it is to those seeds (industry, size, country, where the contact came from)."
          ],
          1
        )
      },
      {
        id: 'kunden',
        kind: 'segment',
        name: 'kundenstatus',
        table: 'firmen',
        key: 'Firmennummer',
        exclusive: true,
        rest: 'Interessenten',
        segments: [{ name: 'Gewonnene Kunden', tags: ['seed'], rule: all(is('Gewonnen', 'eq', true)) }],
        kpis: [{ label: 'Ø Mitarbeiter', kind: 'mean', column: 'Mitarbeiter' }],
        profileColumns: ['Branche', 'Quelle', 'Land']
      },
      {
        id: 'methode',
        kind: 'markdown',
        text: explain(
          ['Wie die Lookalike-Zelle rechnet', 'How the lookalike cell works'],
          [
            'Jedes Merkmal wird vorbereitet: Branche, Land und Quelle als 0/1-Spalten (One-hot), die schiefe Mitarbeiterzahl logarithmiert und standardisiert. Die Methode **k nächste Seeds** gibt jeder Firma als Score die mittlere Ähnlichkeit zu ihren 10 ähnlichsten Kunden.',
            '**Prüfung:** 20 % der Kunden werden zurückgehalten und wie Interessenten bewertet. Die AUC sagt, wie oft ein zurückgehaltener Kunde höher steht als ein zufälliger Interessent (0,5 = Zufall, 1 = perfekt); der Recall zeigt, welcher Anteil von ihnen in den obersten 5, 10, 20 … % landet.',
            'Die besten 10 % der Interessenten bilden das Segment **Lookalikes**; die Spalte `top_features` nennt, was eine Firma ähnlich macht.'
          ],
          [
            'Each feature is prepared first: industry, country and source become 0/1 columns (one-hot), the skewed employee count is log-transformed and standardised. The **k nearest seeds** method scores each account by its mean similarity to its 10 most similar customers.',
            '**Evaluation:** 20 % of the customers are held out and scored like prospects. The AUC is how often a held-out customer ranks above a random prospect (0.5 = chance, 1 = perfect); recall shows which share of them lands in the top 5, 10, 20 … %.',
            'The best 10 % of the prospects form the **Lookalikes** segment; the column `top_features` names what makes an account similar.'
          ]
        )
      },
      {
        id: 'lookalikes',
        kind: 'lookalike',
        name: 'lookalikes',
        table: 'firmen',
        key: 'Firmennummer',
        seeds: { kind: 'segment', from: 'kunden', segments: ['Gewonnene Kunden'] },
        excludeSeeds: true,
        features: [
          { column: 'Branche', prep: 'onehot', top: 16 },
          { column: 'Mitarbeiter', prep: 'log1p_z' },
          { column: 'Land', prep: 'onehot' },
          { column: 'Quelle', prep: 'onehot' }
        ],
        method: 'knn',
        neighbours: 10,
        cut: { kind: 'top_pct', pct: 10, name: 'Lookalikes' },
        kpis: [{ label: 'Ø Mitarbeiter', kind: 'mean', column: 'Mitarbeiter' }],
        profileColumns: ['Branche', 'Quelle']
      },
      {
        id: 'pruefung_intro',
        kind: 'markdown',
        text: explain(
          ['Gegenprobe im Verhalten', 'A check in behaviour'],
          [
            'Die Aktivitäten waren kein Merkmal. Zeigen die Lookalikes trotzdem mehr Kaufsignale (Demos und Angebote) als die übrigen Interessenten, stützt das die Rangfolge.'
          ],
          ['The activities were not a feature. If the lookalikes still show more buying signals (demos and offers) than the other prospects, that supports the ranking.']
        )
      },
      {
        id: 'pruefung',
        kind: 'sql',
        name: 'kaufsignale',
        sql: [
          '-- Demos und Angebote je Firma, nach Segment der Lookalike-Zelle.',
          'SELECT l.segment,',
          '  count(DISTINCT l."Firmennummer") AS firmen,',
          '  count(a."Typ") FILTER (WHERE a."Typ" IN (\'Demo\', \'Angebot\')) AS demos_angebote,',
          '  round(count(a."Typ") FILTER (WHERE a."Typ" IN (\'Demo\', \'Angebot\')) / count(DISTINCT l."Firmennummer"), 2) AS je_firma',
          'FROM lookalikes l',
          'LEFT JOIN aktivitaeten a USING ("Firmennummer")',
          'GROUP BY ALL',
          'ORDER BY je_firma DESC, l.segment'
        ].join('\n')
      },
      { id: 'pruefung_chart', kind: 'chart', from: 'pruefung', chart: { mark: 'bar', x: 'segment', y: 'je_firma', aggregate: 'sum' } }
    ]
  });
}

/** Lead tiers: fit points × engagement points, cut into the A/B/C × 1/2/3 grid. */
function leadsNotebook(): Notebook {
  const did = (b: Omit<BehaviourCondition, 'type' | 'table' | 'key' | 'dateColumn'>): BehaviourCondition => ({
    type: 'behaviour',
    table: 'lead_activities',
    key: 'Lead-ID',
    dateColumn: 'Datum',
    ...b
  });
  return sampleNotebook({
    title: 'Beispiel: Lead-Stufen',
    settings: { locale: 'de', referenceDate: '2025-06-30' },
    sources: [
      { name: 'leads', path: 'leads.csv' },
      { name: 'lead_activities', path: 'lead_activities.csv' }
    ],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['Lead-Stufen', 'Lead tiers'],
          [
            'Erfundene Daten: 2.400 B2B-Leads und ihre Website-Besuche, Newsletter-Öffnungen, Whitepaper, Webinare und Demo-Anfragen im ersten Halbjahr 2025. Stichtag ist der 30.06.2025.',
            'Zwei Fragen, zwei Punktzahlen: **Passt** der Lead zu uns (Fit: Branche, Größe, Herkunft)? Und **interessiert** er sich gerade (Engagement: was er in den letzten Wochen getan hat)? Beide Punktzahlen werden in drei Stufen geschnitten: die besten 20 % (A bzw. 1), die nächsten 30 % (B bzw. 2), der Rest (C bzw. 3).'
          ],
          [
            'Made-up data: 2,400 B2B leads and their website visits, newsletter opens, whitepapers, webinars and demo requests in the first half of 2025. The reference date is 30 June 2025.',
            'Two questions, two scores: does the lead **fit** us (industry, size, source)? And is it **interested** right now (engagement: what it did in the last weeks)? Each score is cut into three tiers: the best 20 % (A or 1), the next 30 % (B or 2), the rest (C or 3).'
          ],
          1
        )
      },
      {
        id: 'stufen',
        kind: 'leads',
        name: 'lead_stufen',
        table: 'leads',
        key: 'Lead-ID',
        fit: {
          kind: 'points',
          rules: [
            {
              label: 'Zielbranche',
              points: 20,
              rule: all(among('Branche', 'in', ['Maschinenbau', 'Elektrotechnik', 'Herstellung von chemischen Erzeugnissen']))
            },
            { label: '50–999 Mitarbeiter', points: 15, rule: all(among('Mitarbeiter', 'between', [50, 999])) },
            { label: 'Empfehlung oder Partner', points: 10, rule: all(among('Quelle', 'in', ['Empfehlung', 'Partner'])) },
            { label: 'Kaltakquise', points: -5, rule: all(is('Quelle', 'eq', 'Kaltakquise')) }
          ]
        },
        engagement: {
          kind: 'points',
          rules: [
            { label: 'Aktiv in den letzten 30 Tagen', points: 10, rule: all(did({ measure: 'exists', window: { kind: 'last_days', days: 30 } })) },
            {
              label: 'Demo angefragt (90 Tage)',
              points: 25,
              rule: all(did({ measure: 'exists', window: { kind: 'last_days', days: 90 }, where: all(is('Typ', 'eq', 'Demo-Anfrage')) }))
            },
            {
              label: 'Webinar oder Whitepaper (60 Tage)',
              points: 10,
              rule: all(did({ measure: 'exists', window: { kind: 'last_days', days: 60 }, where: all(among('Typ', 'in', ['Webinar', 'Whitepaper'])) }))
            },
            {
              label: '≥ 3 Website-Besuche (30 Tage)',
              points: 5,
              rule: all(did({ measure: 'count', window: { kind: 'last_days', days: 30 }, where: all(is('Typ', 'eq', 'Website-Besuch')), op: 'gte', value: 3 }))
            }
          ]
        },
        grid: {
          A1: { name: 'A1 · Sofort anrufen', action: 'Vertrieb ruft diese Woche an' },
          A2: { name: 'A2 · Aufwärmen', action: 'Persönliche Einladung zur Demo' },
          A3: { name: 'A3 · Passt, schläft', action: 'Account-based Kampagne' },
          B1: { name: 'B1 · Interessiert', action: 'Qualifizierungsgespräch' },
          C1: { name: 'C1 · Neugierig, passt kaum', action: 'Selbstbedienung, kein Vertrieb' },
          C3: { name: 'C3 · Ruhen lassen', action: 'Nur Newsletter' }
        },
        kpis: [{ label: 'Ø Mitarbeiter', kind: 'mean', column: 'Mitarbeiter' }],
        profileColumns: ['Branche', 'Quelle']
      },
      {
        id: 'lesen',
        kind: 'markdown',
        text: explain(
          ['Das Raster lesen', 'Reading the grid'],
          [
            'Oben links (**A1**) stehen Leads, die passen und gerade aktiv sind: Sie bekommen den Vertrieb zuerst. **A3** passt, ist aber still: ein Fall für Marketing. **C1** ist aktiv, passt aber kaum: Selbstbedienung statt teurer Gespräche.',
            'Die Punkte sind Annahmen, keine Wahrheit. Ändern Sie eine Regel oder einen Schnitt (Stufen nach Anteil oder nach Punktzahl) und sehen Sie, wie Leads im Raster wandern. Die Tabelle unten zählt die Leads je Feld und Herkunft.'
          ],
          [
            'Top left (**A1**) are leads that fit and are active now: sales calls them first. **A3** fits but is quiet: a case for marketing. **C1** is active but hardly fits: self-service instead of costly calls.',
            'The points are assumptions, not truth. Change a rule or a cut (tiers by share or by score) and watch leads move across the grid. The table below counts the leads per grid cell and source.'
          ]
        )
      },
      {
        id: 'herkunft',
        kind: 'sql',
        name: 'stufen_herkunft',
        sql: [
          'SELECT fit_tier, engagement_tier, count(*) AS leads,',
          '  count(*) FILTER (WHERE "Quelle" IN (\'Empfehlung\', \'Partner\')) AS empfehlung_partner,',
          '  round(avg(fit), 1) AS fit_mittel, round(avg(engagement), 1) AS engagement_mittel',
          'FROM lead_stufen',
          'GROUP BY ALL',
          'ORDER BY fit_tier, engagement_tier'
        ].join('\n')
      },
      { id: 'herkunft_chart', kind: 'chart', from: 'herkunft', chart: { mark: 'heatmap', x: 'fit_tier', y: 'engagement_tier', color: 'leads', aggregate: 'sum' } }
    ]
  });
}

/** The Telco dataset as shipped: IBM's sample data, copied unchanged (see static/samples/ATTRIBUTION.md). */
const TELCO_FILE = 'Telco-Customer-Churn.csv';

/** Churn risk on the real IBM Telco data: a logistic model on the churn label, risk bands for the active customers. */
function churnNotebook(): Notebook {
  return sampleNotebook({
    title: 'Example: churn risk (IBM Telco)',
    settings: { locale: 'en' },
    sources: [{ name: 'telco', path: TELCO_FILE }],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['Abwanderungsrisiko', 'Churn risk'],
          [
            'Echte Daten: 7.043 Kundinnen und Kunden eines Telekommunikationsanbieters mit Vertrag, Diensten, Zahlungsart, Monatsentgelt und der Angabe, ob sie im letzten Monat gekündigt haben (`Churn`, 1.869 Ja). Der Datensatz ist IBMs Beispieldatensatz *Telco Customer Churn* (Repository IBM/telco-customer-churn-on-icp4d, Apache-2.0).',
            'Gefragt ist: **Wer von den Gebliebenen kündigt als Nächstes?** Wer schon gekündigt hat, zeigt uns, wie Abwanderung aussieht.'
          ],
          [
            "Real data: 7,043 customers of a telecom provider with contract, services, payment method, monthly charges and whether they left within the last month (`Churn`, 1,869 Yes). The dataset is IBM's sample data set *Telco Customer Churn* (repository IBM/telco-customer-churn-on-icp4d, Apache-2.0).",
            'The question: **which of the customers who stayed will leave next?** Those who already left show us what churn looks like.'
          ],
          1
        )
      },
      {
        id: 'by_contract',
        kind: 'sql',
        name: 'churn_by_contract',
        sql: [
          'SELECT "Contract", count(*) AS customers,',
          '  round(avg("Churn"::INTEGER), 3) AS churn_rate,',
          '  round(avg("MonthlyCharges"), 2) AS mean_monthly_charges',
          'FROM telco',
          'GROUP BY ALL',
          'ORDER BY churn_rate DESC'
        ].join('\n')
      },
      { id: 'by_contract_chart', kind: 'chart', from: 'by_contract', chart: { mark: 'bar', x: 'Contract', y: 'churn_rate', aggregate: 'sum' } },
      {
        id: 'method',
        kind: 'markdown',
        text: explain(
          ['Ein Modell aus dem Label', 'A model from the label'],
          [
            'Die Lookalike-Zelle im **Label-Modus** lernt eine logistische Regression (L2-regularisiert, C = 1, wie scikit-learn) auf allen Kunden: `Churn = true` ist die positive Klasse. Merkmale: Vertragsdauer, Monats- und Gesamtentgelt, Senior, Vertrag, Internetdienst, Zahlungsart, technischer Support und Online-Sicherheit (Zahlen standardisiert, Kategorien One-hot).',
            '**Prüfung:** 20 % jeder Klasse werden vor dem Training zurückgehalten. Auf ihnen misst die Zelle die AUC (wie oft ein Gekündigter höher bewertet wird als ein Gebliebener) und den Recall in den obersten Prozenten. Eine AUC um 0,84 ist für diesen Datensatz typisch.',
            'Dann bewertet das Modell die **Gebliebenen** und schneidet drei **Risikostufen**: Score ≥ 0,5 hohes, ≥ 0,25 mittleres, darunter geringes Risiko. Die Modelltabelle unter der Auswertung zeigt die Koeffizienten: Monatsvertrag und Glasfaser erhöhen das Risiko, lange Vertragsdauer senkt es; die Spalte `top_features` nennt je Kunde, was seinen Score am meisten hebt.'
          ],
          [
            'The lookalike cell in **label mode** fits a logistic regression (L2-regularised, C = 1, as scikit-learn does) on all customers, with `Churn = true` as the positive class. Features: tenure, monthly and total charges, senior citizen, contract, internet service, payment method, tech support and online security (numbers standardised, categories one-hot).',
            '**Evaluation:** 20 % of each class are held out before training. On them the cell measures the AUC (how often a churned customer scores above one who stayed) and the recall in the top percentages. An AUC around 0.84 is typical for this dataset.',
            "The model then scores the customers **who stayed** and cuts three **risk bands**: score ≥ 0.5 high, ≥ 0.25 medium, below that low risk. The model table below the evaluation lists the coefficients: month-to-month contracts and fibre optic raise the risk, a long tenure lowers it; the column `top_features` names what raises each customer's score most."
          ]
        )
      },
      {
        id: 'risk',
        kind: 'lookalike',
        name: 'churn_risk',
        table: 'telco',
        key: 'customerID',
        label: { column: 'Churn', positive: 'true' },
        features: [
          ...['tenure', 'MonthlyCharges', 'TotalCharges', 'SeniorCitizen'].map((column) => ({ column, prep: 'z' as const })),
          ...['Contract', 'InternetService', 'PaymentMethod', 'TechSupport', 'OnlineSecurity'].map((column) => ({ column, prep: 'onehot' as const }))
        ],
        method: 'logistic',
        holdout: 0.2,
        seed: 0,
        cut: { kind: 'bands', high: 0.5, medium: 0.25 },
        kpis: [
          { label: 'Mean monthly charges', kind: 'mean', column: 'MonthlyCharges' },
          { label: 'Monthly revenue', kind: 'sum', column: 'MonthlyCharges' }
        ],
        profileColumns: ['Contract', 'InternetService', 'PaymentMethod']
      },
      {
        id: 'act',
        kind: 'markdown',
        text: explain(
          ['Was auf dem Spiel steht', 'What is at stake'],
          [
            'Die Tabelle zählt je Risikostufe die Kunden und ihren Monatsumsatz. Eine Bindungsaktion (etwa ein Angebot für einen Jahresvertrag) lohnt sich zuerst dort, wo hohes Risiko und hoher Umsatz zusammenkommen. Der Score ist eine Wahrscheinlichkeit unter den Annahmen des Modells, keine Gewissheit über einzelne Kunden.'
          ],
          [
            'The table counts the customers of each risk band and their monthly revenue. A retention offer (say, a one-year contract) pays first where high risk and high revenue meet. The score is a probability under the model\'s assumptions, not a certainty about any one customer.'
          ]
        )
      },
      {
        id: 'at_stake',
        kind: 'sql',
        name: 'revenue_at_risk',
        sql: [
          'SELECT segment, count(*) AS customers,',
          '  round(sum("MonthlyCharges"), 2) AS monthly_revenue,',
          '  round(avg(score), 3) AS mean_score,',
          '  round(avg(tenure), 1) AS mean_tenure',
          'FROM churn_risk',
          'WHERE NOT is_seed',
          'GROUP BY ALL',
          'ORDER BY mean_score DESC'
        ].join('\n')
      },
      { id: 'at_stake_chart', kind: 'chart', from: 'at_stake', chart: { mark: 'bar', x: 'segment', y: 'monthly_revenue', aggregate: 'sum' } }
    ]
  });
}

/**
 * Campaign read-outs: an A/B-tested mailing per segment (conversion and revenue) and a KPI board of
 * the months around it. The data comes from scripts/make-campaign-samples.ts.
 */
function campaignNotebook(): Notebook {
  return sampleNotebook({
    title: 'Beispiel: Kampagnen-Auswertung',
    settings: { locale: 'de', referenceDate: '2025-06-30' },
    sources: [
      { name: 'kampagne_test', path: 'kampagne_test.csv' },
      { name: 'kampagne_ereignisse', path: 'kampagne_ereignisse.csv' }
    ],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['Kampagnen-Auswertung je Segment', 'Campaign read-out per segment'],
          [
            'Erfundene Daten: Im März 2025 bekamen 3.000 Kundinnen und Kunden ein Mailing. Jede Person wurde zufällig einer Gruppe zugeteilt: **Kontrolle** (altes Mailing), **Variante A** (neuer Betreff) oder **Variante B** (höherwertige Angebote). Dazu kommen ihre Shop-Besuche und Käufe von Juli 2024 bis Juni 2025.',
            'Ein A/B-Test vergleicht jede Variante mit der Kontrolle: die Rate (oder der Mittelwert) je Gruppe, der **Unterschied** mit einem **95-%-Konfidenzintervall** und der **p-Wert**. Enthält das Intervall die 0, ist der Unterschied nicht gesichert. Weil je Segment und Variante getestet wird, korrigiert die Zelle die p-Werte nach **Holm**, damit nicht einer von vielen Tests zufällig „gewinnt“.'
          ],
          [
            'Made-up data: in March 2025, 3,000 customers received a mailing. Each was assigned at random to a group: **Kontrolle** (control, the old mailing), **Variante A** (a new subject line) or **Variante B** (higher-value offers). With them come their shop visits and purchases from July 2024 to June 2025.',
            'An A/B test compares each variant with the control: the rate (or mean) per group, the **difference** with a **95 % confidence interval**, and the **p-value**. When the interval contains 0, the difference is not established. As the cell tests each segment and variant, it adjusts the p-values by **Holm**, so that one of many tests does not "win" by chance.'
          ],
          1
        )
      },
      {
        id: 'ab_konversion',
        kind: 'abtest',
        name: 'ab_konversion',
        table: 'kampagne_test',
        key: 'Kunden-ID',
        arm: 'Gruppe',
        control: 'Kontrolle',
        outcome: 'konvertiert',
        metric: 'binary',
        by: { kind: 'column', column: 'Segment' }
      },
      {
        id: 'konversion_lesen',
        kind: 'markdown',
        text: explain(
          ['Die Konversion lesen', 'Reading the conversion'],
          [
            'Über alle hinweg hebt Variante A die Konversion von 8,6 % auf 12,0 %, und das hält auch nach Holm (p = 0,026). Je Segment ist das Bild genauer: Bei den **Stammkunden** steigt sie von 11,7 % auf 18,0 % (Intervall 1,4 bis 11,2 Prozentpunkte, p = 0,012), doch nach der Holm-Korrektur über acht Tests bleibt p = 0,098: ein Hinweis, noch kein Beleg. Bei Neukunden ist kein Unterschied zu sehen. Ein Ergebnis nur für alle zusammen hätte verschwiegen, wo die Wirkung herkommt.',
            'Die Gruppe **Rückgewinnung** hat nur 36 Personen. Die Zelle warnt: Bei so wenigen Fällen ist das Intervall sehr breit, und die Normalnäherung des Tests ist unsicher. Die Spalte „MDE“ sagt, welcher Unterschied bei dieser Größe mit 80 % Wahrscheinlichkeit überhaupt zu erkennen wäre.'
          ],
          [
            'Over everyone, Variante A lifts the conversion from 8.6 % to 12.0 %, and this holds after Holm (p = 0.026). Per segment the picture is sharper: for **Stammkunden** (regular customers) it rises from 11.7 % to 18.0 % (interval 1.4 to 11.2 percentage points, p = 0.012), but after the Holm adjustment over eight tests p = 0.098: a hint, not yet proof. For Neukunden (new customers) there is no difference. A read-out over everyone alone would have hidden where the effect comes from.',
            'The **Rückgewinnung** (win-back) group has only 36 people. The cell warns: with so few cases the interval is very wide, and the test\'s normal approximation is uncertain. The "MDE" column says which difference this size could detect at all, with 80 % power.'
          ]
        )
      },
      {
        id: 'ab_umsatz',
        kind: 'abtest',
        name: 'ab_umsatz',
        table: 'kampagne_test',
        key: 'Kunden-ID',
        arm: 'Gruppe',
        control: 'Kontrolle',
        outcome: 'Umsatz',
        metric: 'numeric',
        by: { kind: 'column', column: 'Segment' }
      },
      {
        id: 'kpi_intro',
        kind: 'markdown',
        text: explain(
          ['Umsatz je Person und KPI-Board', 'Revenue per person and the KPI board'],
          [
            'Für den Umsatz je Person vergleicht die Zelle Mittelwerte mit dem **Welch-t-Test**, der ungleiche Streuungen erlaubt. Variante B sollte den Warenkorb vergrößern: Ihr Umsatz je Person liegt um 1,05 € höher, aber das Intervall reicht von −1,19 € bis 3,28 € (p = 0,36). Umsatz streut stark, weil die meisten Personen nichts kaufen; die Spalte „MDE“ zeigt, dass erst ein Unterschied von etwa 3,20 € je Person sicher zu erkennen wäre.',
            'Das **KPI-Board** verfolgt je Segment und Monat die Konversion (Anteil mit einem Kauf), die Bindung (Anteil, der im Vormonat aktiv war und wieder kommt) und den Umsatz, über die zwölf Monate bis zum Stichtag 30.06.2025. So sieht man, ob der Effekt des Mailings im März anhält.'
          ],
          [
            'For revenue per person the cell compares means with **Welch\'s t test**, which allows unequal variances. Variante B was meant to raise the basket: its revenue per person is €1.05 higher, but the interval runs from −€1.19 to €3.28 (p = 0.36). Revenue varies a lot, because most people buy nothing; the "MDE" column shows that only a difference of about €3.20 per person could be detected reliably.',
            'The **KPI board** tracks per segment and month the conversion (share with a purchase), the retention (share active the month before who come back) and the revenue, over the twelve months up to the reference date 30 June 2025. It shows whether the mailing\'s effect in March lasts.'
          ]
        )
      },
      {
        id: 'kpis',
        kind: 'kpis',
        name: 'kpi_board',
        table: 'kampagne_test',
        key: 'Kunden-ID',
        by: { kind: 'column', column: 'Segment' },
        events: { table: 'kampagne_ereignisse', key: 'Kunden-ID', date: 'Datum', amount: 'Betrag', conversion: { column: 'Typ', value: 'Kauf' } },
        period: 'month',
        periods: 12
      }
    ]
  });
}

/** Clustering a needs survey: k-modes over Likert answers taken as categories. */
function surveyNotebook(): Notebook {
  return sampleNotebook({
    title: 'Beispiel: Umfrage clustern (k-Modes)',
    settings: { locale: 'de', referenceDate: '2025-12-31' },
    sources: [germanCsv('umfrage', 'umfrage.csv'), germanCsv('kunden', 'kunden.csv', ['PLZ'])],
    cells: [
      {
        id: 'intro',
        kind: 'markdown',
        text: explain(
          ['Eine Umfrage clustern', 'Clustering a survey'],
          [
            'Erfundene Daten: 800 Kundinnen und Kunden haben fünf Aussagen von 1 (unwichtig) bis 5 (sehr wichtig) bewertet: Preis, Nachhaltigkeit, schnelle Lieferung, Beratung, Qualität. Gesucht sind **Bedürfnisgruppen**, die man verschieden ansprechen kann.',
            'Likert-Antworten sind geordnete Kategorien, keine Messwerte: Der Abstand von 1 zu 2 ist nicht unbedingt derselbe wie von 4 zu 5. **k-Modes** (Huang 1998) behandelt jede Antwort als Kategorie: Der Abstand zweier Befragter ist die Zahl der Fragen, in denen sie verschieden antworten; jedes Cluster wird durch seinen Modus beschrieben, die häufigste Antwort je Frage.'
          ],
          [
            'Made-up data: 800 customers rated five statements from 1 (unimportant) to 5 (very important): price, sustainability, fast delivery, advice, quality. We look for **needs groups** that call for different messages.',
            'Likert answers are ordered categories, not measurements: the step from 1 to 2 need not equal the one from 4 to 5. **k-modes** (Huang 1998) treats each answer as a category: the distance between two respondents is the number of questions they answer differently, and each cluster is described by its mode, the most frequent answer per question.'
          ],
          1
        )
      },
      {
        id: 'befragte',
        kind: 'sql',
        name: 'befragte',
        sql: [
          '-- Die Antworten mit Alter und Kanal der Befragten, für das Profil der Cluster.',
          'SELECT u.*, date_sub(\'year\', k."Geburtsdatum", getvariable(\'reference_date\')) AS "Alter", k."Kanal"',
          'FROM umfrage u',
          'JOIN kunden k USING ("Kundennummer")',
          'ORDER BY u."Kundennummer"'
        ].join('\n')
      },
      {
        id: 'methode',
        kind: 'markdown',
        text: explain(
          ['k wählen und prüfen', 'Choosing and checking k'],
          [
            'Die Zelle startet k-Modes zehnmal mit verschiedenen Startpunkten (fester Seed, also wiederholbar) und behält die Lösung mit den wenigsten Abweichungen. Der Tab „k wählen“ zeigt Kosten und Silhouette für k = 2 … 8: Wählen Sie ein k, ab dem die Kosten kaum noch fallen und die Silhouette hoch bleibt.',
            'Die Karten im Tab „Cluster“ zeigen die Modi. Danach sind die vier Cluster hier benannt: Eilige (schnelle Lieferung), Nachhaltig und qualitätsbewusst, Preisbewusste, Beratungsorientierte. Das Profil zeigt, was ein Cluster von der Basis unterscheidet (Alter, Kanal, Familienstand); die Tabelle unten die mittlere Antwort je Frage.'
          ],
          [
            'The cell starts k-modes ten times from different starting points (a fixed seed, so it replays) and keeps the solution with the fewest mismatches. The "Choose k" tab compares cost and silhouette for k = 2 … 8: pick a k after which the cost hardly falls and the silhouette stays high.',
            'The cards of the "Clusters" tab show the modes; the four clusters are named after them here: in a hurry (fast delivery), sustainability and quality, price-conscious, advice-seeking. The profile shows what sets a cluster apart from the base (age, channel, marital status); the table below the mean answer per question.'
          ]
        )
      },
      {
        id: 'cluster',
        kind: 'cluster',
        name: 'beduerfnisgruppen',
        table: 'befragte',
        key: 'Kundennummer',
        features: NEEDS.map((column) => ({ column, prep: 'none' as const })),
        k: 4,
        algorithm: 'kmodes',
        restarts: 10,
        seed: 0,
        names: ['Eilige', 'Nachhaltig und qualitätsbewusst', 'Preisbewusste', 'Beratungsorientierte'],
        kpis: [{ label: 'Ø Alter', kind: 'mean', column: 'Alter' }],
        profileColumns: ['Kanal', 'Familienstand']
      },
      {
        id: 'mittel',
        kind: 'sql',
        name: 'antworten_je_cluster',
        sql: [
          '-- Die mittlere Antwort je Frage und Cluster, zum Benennen der Cluster.',
          'SELECT segment, "Frage", round(avg("Antwort"), 2) AS mittel',
          'FROM (UNPIVOT beduerfnisgruppen ON ' + NEEDS.map((n) => `"${n}"`).join(', ') + ' INTO NAME "Frage" VALUE "Antwort")',
          'GROUP BY ALL',
          'ORDER BY segment, "Frage"'
        ].join('\n')
      },
      { id: 'mittel_chart', kind: 'chart', from: 'mittel', chart: { mark: 'heatmap', x: 'Frage', y: 'segment', color: 'mittel', aggregate: 'mean' } }
    ]
  });
}

/** Every sample file by name, built afresh: the same bytes on every call. */
export function makeSamples(): Map<string, Uint8Array | string> {
  const retail = new Draws(20251231);
  const customers = makeCustomers(retail);
  const orders = makeOrders(retail, customers);
  const b2b = new Draws(20260101);
  const firms = makeFirms(b2b);
  const activities = makeActivities(b2b, firms);
  const survey = makeSurvey(new Draws(20260202), customers);
  return new Map<string, Uint8Array | string>([
    [
      'kunden.csv',
      csv(
        ['Kundennummer', 'Vorname', 'Nachname', 'E-Mail', 'PLZ', 'Ort', 'Bundesland', 'Geburtsdatum', 'Geschlecht', 'Kunde seit', 'Kanal', 'Umsatz gesamt'],
        customers.map((c) => [c.id, ...c.row, ddmmyyyy(c.since), c.channel, euro(c.cents)])
      )
    ],
    ['bestellungen.csv', csv(['Bestellnummer', 'Kundennummer', 'Bestelldatum', 'Betrag', 'Marge', 'Kanal', 'Gerät'], orders)],
    ['retail.notebook.json', serializeNotebook(notebook())],
    [
      'firmen.csv',
      csv(
        ['Firmennummer', 'Firma', 'Branche', 'Mitarbeiter', 'Jahresumsatz', 'Land', 'Bundesland/Kanton', 'Ort', 'PLZ', 'Kunde seit', 'Gewonnen', 'Quelle'],
        firms.map((f) => f.row)
      )
    ],
    ['aktivitaeten.csv', csv(['Firmennummer', 'Datum', 'Typ', 'Kanal', 'Gerät', 'Browser', 'Betrag'], activities)],
    ['umfrage.csv', csv(['Kundennummer', ...NEEDS, 'Familienstand', 'Interessen'], survey)],
    ['segments.notebook.json', serializeNotebook(segmentsNotebook())],
    ['value.notebook.json', serializeNotebook(valueNotebook())],
    ['lookalikes.notebook.json', serializeNotebook(lookalikesNotebook())],
    ['leads.notebook.json', serializeNotebook(leadsNotebook())],
    ['churn.notebook.json', serializeNotebook(churnNotebook())],
    ['survey.notebook.json', serializeNotebook(surveyNotebook())],
    ['campaign.notebook.json', serializeNotebook(campaignNotebook())]
  ]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  mkdirSync(OUT, { recursive: true });
  for (const [name, bytes] of makeSamples()) writeFileSync(path.join(OUT, name), bytes);
}
