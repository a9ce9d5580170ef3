/**
 * The planted structure of the benchmark data. Every number here is documented in bench/README.md,
 * which accuracy tests score against; change both together.
 */

/** One planted customer cluster (`customers.true_cluster` is its index). */
export interface ClusterProfile {
  name: string;
  /** Share of customers. */
  weight: number;
  ageMean: number;
  ageSd: number;
  /** Weights for the preferred channel, in `CHANNELS` order. */
  channel: [number, number, number];
  /** Relative order rate per active year (scaled so the total hits the size target). */
  rate: number;
  /** Log-normal order amount: median in EUR and sigma of the log. */
  amountMedian: number;
  amountSigma: number;
  /** Mean customer lifetime in years (exponential) before the hidden churn date. */
  churnYears: number;
  /** Rotation of the Zipf category ranks, so clusters prefer different categories. */
  categoryOffset: number;
}

/** Channel labels, shared by customers and transactions. */
export const CHANNELS = ['online', 'store', 'app'] as const;

/** The six planted clusters. */
export const CLUSTERS: ClusterProfile[] = [
  { name: 'young_digital', weight: 0.22, ageMean: 27, ageSd: 5, channel: [0.45, 0.1, 0.45], rate: 6, amountMedian: 35, amountSigma: 0.5, churnYears: 3, categoryOffset: 0 },
  { name: 'affluent_loyal', weight: 0.1, ageMean: 48, ageSd: 9, channel: [0.45, 0.35, 0.2], rate: 8, amountMedian: 180, amountSigma: 0.6, churnYears: 12, categoryOffset: 4 },
  { name: 'family_mainstream', weight: 0.25, ageMean: 40, ageSd: 7, channel: [0.4, 0.4, 0.2], rate: 4, amountMedian: 75, amountSigma: 0.5, churnYears: 6, categoryOffset: 8 },
  { name: 'senior_store', weight: 0.18, ageMean: 68, ageSd: 7, channel: [0.1, 0.85, 0.05], rate: 3, amountMedian: 55, amountSigma: 0.45, churnYears: 8, categoryOffset: 12 },
  { name: 'occasional_bargain', weight: 0.17, ageMean: 35, ageSd: 12, channel: [0.55, 0.3, 0.15], rate: 1, amountMedian: 25, amountSigma: 0.7, churnYears: 2, categoryOffset: 16 },
  { name: 'b2b_bulk', weight: 0.08, ageMean: 46, ageSd: 9, channel: [0.8, 0.1, 0.1], rate: 12, amountMedian: 450, amountSigma: 0.8, churnYears: 10, categoryOffset: 20 },
];

/** Share of B2B customers outside cluster `b2b_bulk` (which is all B2B); overall ≈ 20 %. */
export const B2B_SHARE_OTHER = 0.13;

/** German states: name, population in millions (2023, rounded) and two-digit postcode prefixes. */
export const STATES: { name: string; pop: number; prefixes: number[] }[] = [
  { name: 'Nordrhein-Westfalen', pop: 18.1, prefixes: [32, 33, 40, 41, 42, 44, 45, 46, 47, 48, 50, 51, 52, 53, 57, 58, 59] },
  { name: 'Bayern', pop: 13.4, prefixes: [80, 81, 82, 83, 84, 85, 86, 87, 90, 91, 92, 93, 94, 95, 96, 97] },
  { name: 'Baden-Württemberg', pop: 11.3, prefixes: [68, 69, 70, 71, 72, 73, 74, 75, 76, 77, 78, 79, 88] },
  { name: 'Niedersachsen', pop: 8.1, prefixes: [26, 27, 29, 30, 31, 37, 38, 49] },
  { name: 'Hessen', pop: 6.4, prefixes: [34, 35, 60, 61, 63, 64, 65] },
  { name: 'Rheinland-Pfalz', pop: 4.2, prefixes: [54, 55, 56, 67] },
  { name: 'Sachsen', pop: 4.1, prefixes: [1, 2, 4, 8, 9] },
  { name: 'Berlin', pop: 3.9, prefixes: [10, 12, 13] },
  { name: 'Schleswig-Holstein', pop: 3.0, prefixes: [23, 24, 25] },
  { name: 'Brandenburg', pop: 2.6, prefixes: [3, 14, 15, 16] },
  { name: 'Sachsen-Anhalt', pop: 2.2, prefixes: [6, 39] },
  { name: 'Thüringen', pop: 2.1, prefixes: [7, 98, 99] },
  { name: 'Hamburg', pop: 1.9, prefixes: [20, 21, 22] },
  { name: 'Mecklenburg-Vorpommern', pop: 1.6, prefixes: [17, 18, 19] },
  { name: 'Saarland', pop: 1.0, prefixes: [66] },
  { name: 'Bremen', pop: 0.7, prefixes: [28] },
];

/** City-size bands; city states (Berlin, Hamburg, Bremen) are always `metropolis`. */
export const CITY_SIZES = ['metropolis', 'large_city', 'medium_town', 'small_town', 'rural'] as const;
/** City-size weights for clusters young_digital and affluent_loyal. */
export const CITY_WEIGHTS_URBAN = [0.35, 0.3, 0.17, 0.1, 0.08];
/** City-size weights for all other clusters. */
export const CITY_WEIGHTS_OTHER = [0.1, 0.2, 0.27, 0.23, 0.2];

/** B2B industries with their weights and the lead-conversion log-odds effect. */
export const INDUSTRIES: { name: string; weight: number; leadEffect: number }[] = [
  { name: 'Handel', weight: 0.18, leadEffect: 0 },
  { name: 'Maschinenbau', weight: 0.12, leadEffect: 0.4 },
  { name: 'IT & Software', weight: 0.12, leadEffect: 0.8 },
  { name: 'Handwerk', weight: 0.14, leadEffect: -0.2 },
  { name: 'Gesundheitswesen', weight: 0.09, leadEffect: 0.3 },
  { name: 'Logistik', weight: 0.08, leadEffect: 0.2 },
  { name: 'Gastronomie', weight: 0.08, leadEffect: -0.4 },
  { name: 'Finanzdienstleistungen', weight: 0.06, leadEffect: 0.5 },
  { name: 'Öffentlicher Sektor', weight: 0.05, leadEffect: -0.6 },
  { name: 'Bau', weight: 0.08, leadEffect: 0.1 },
];

/** Company-size bands with employee ranges (inclusive lower, exclusive upper). */
export const SIZE_BANDS: { name: string; lo: number; hi: number }[] = [
  { name: '1-9', lo: 1, hi: 10 },
  { name: '10-49', lo: 10, hi: 50 },
  { name: '50-249', lo: 50, hi: 250 },
  { name: '250-999', lo: 250, hi: 1000 },
  { name: '1000+', lo: 1000, hi: 20000 },
];
/** Size-band weights for ordinary B2B customers and leads. */
export const SIZE_WEIGHTS = [0.45, 0.3, 0.15, 0.07, 0.03];
/** Size-band weights for cluster b2b_bulk. */
export const SIZE_WEIGHTS_BULK = [0.1, 0.3, 0.3, 0.2, 0.1];

/** Product categories in Zipf rank order (s = 1.1), with the mean margin rate of each. */
export const CATEGORIES: { name: string; margin: number }[] = [
  { name: 'Elektronik', margin: 0.12 },
  { name: 'Bekleidung', margin: 0.45 },
  { name: 'Lebensmittel', margin: 0.18 },
  { name: 'Drogerie', margin: 0.25 },
  { name: 'Haushalt', margin: 0.35 },
  { name: 'Schuhe', margin: 0.42 },
  { name: 'Spielwaren', margin: 0.33 },
  { name: 'Bücher', margin: 0.2 },
  { name: 'Sport & Freizeit', margin: 0.38 },
  { name: 'Garten', margin: 0.36 },
  { name: 'Möbel', margin: 0.4 },
  { name: 'Küche', margin: 0.34 },
  { name: 'Baumarkt', margin: 0.3 },
  { name: 'Auto & Motorrad', margin: 0.27 },
  { name: 'Tierbedarf', margin: 0.29 },
  { name: 'Schmuck & Uhren', margin: 0.55 },
  { name: 'Beauty', margin: 0.5 },
  { name: 'Gesundheit', margin: 0.31 },
  { name: 'Baby', margin: 0.28 },
  { name: 'Musik & Film', margin: 0.22 },
  { name: 'Bürobedarf', margin: 0.32 },
  { name: 'Computer & Zubehör', margin: 0.14 },
  { name: 'Software', margin: 0.6 },
  { name: 'Industriebedarf', margin: 0.26 },
  { name: 'Reinigung', margin: 0.3 },
  { name: 'Verpackung', margin: 0.24 },
  { name: 'Arbeitsschutz', margin: 0.35 },
  { name: 'Werkzeug', margin: 0.33 },
  { name: 'Beleuchtung', margin: 0.37 },
  { name: 'Geschenke', margin: 0.44 },
];
/** Zipf exponent of the category rank distribution. */
export const ZIPF_S = 1.1;

/** Order-day weights Monday..Sunday for online/app orders and for store orders (shops close on Sunday). */
export const DOW_WEIGHTS_ONLINE = [1.0, 0.95, 0.95, 1.0, 1.05, 1.1, 1.25];
export const DOW_WEIGHTS_STORE = [0.9, 0.9, 0.95, 1.0, 1.2, 1.25, 0.02];
/** Month weights January..December (November: Black Friday, December: Christmas). */
export const MONTH_WEIGHTS = [0.85, 0.85, 0.95, 0.95, 1.0, 0.95, 0.9, 0.9, 1.0, 1.05, 1.3, 1.7];

/** Probability that a transaction uses the customer's preferred channel (else uniform over all three). */
export const PREFERRED_CHANNEL_SHARE = 0.75;

/** Lookalike signal: log-odds of `is_seed_like`. */
export const SEED_LIKE = {
  intercept: -3.2,
  app: 1.6,
  age25to40: 1.1,
  metropolis: 0.9,
  southState: 0.7,
  southStates: ['Bayern', 'Baden-Württemberg', 'Hessen'],
};

/** Lead sources and their conversion log-odds effect. */
export const LEAD_SOURCES: { name: string; weight: number; effect: number }[] = [
  { name: 'web_form', weight: 0.35, effect: 0 },
  { name: 'trade_fair', weight: 0.15, effect: 0.5 },
  { name: 'referral', weight: 0.1, effect: 0.9 },
  { name: 'cold_call', weight: 0.15, effect: -0.7 },
  { name: 'partner', weight: 0.1, effect: 0.6 },
  { name: 'webinar', weight: 0.15, effect: 0.3 },
];

/** Lead conversion log-odds: intercept + per size-band index + per click (capped at 10) + demo − per day since touch. */
export const LEAD_MODEL = { intercept: -3.2, sizeBand: 0.35, click: 0.12, demo: 1.3, dayStale: 0.01 };

/** Customer surnames and legal forms used to build lead company names. */
export const COMPANY_NAMES = ['Müller', 'Schmidt', 'Schneider', 'Fischer', 'Weber', 'Meyer', 'Wagner', 'Becker', 'Schulz', 'Hoffmann', 'Schäfer', 'Koch', 'Bauer', 'Richter', 'Klein', 'Wolf', 'Schröder', 'Neumann', 'Schwarz', 'Zimmermann'];
export const LEGAL_FORMS = ['GmbH', 'AG', 'GmbH & Co. KG', 'KG', 'e.K.', 'UG (haftungsbeschränkt)'];

/** Transaction window (inclusive) and the reference date for ages. */
export const TX_START = '2023-01-01';
export const TX_END = '2025-12-31';
/** Signup dates are uniform in [SIGNUP_START, SIGNUP_END]. */
export const SIGNUP_START = '2016-01-01';
export const SIGNUP_END = '2025-09-30';
/** Leads are created uniformly in [LEAD_START, TX_END]. */
export const LEAD_START = '2024-01-01';

/** Size presets: transactions target and customer count. Leads are customers / 5. */
export const SIZES: Record<string, { transactions: number; customers: number }> = {
  S: { transactions: 100_000, customers: 10_000 },
  M: { transactions: 1_000_000, customers: 100_000 },
  L: { transactions: 10_000_000, customers: 1_000_000 },
  XL: { transactions: 50_000_000, customers: 5_000_000 },
};
