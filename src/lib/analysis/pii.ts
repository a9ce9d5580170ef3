/**
 * Personal-data detection from a column's name (German and English) and from a sample of its
 * values. Pure: no engine, no I/O. The result is structurally a `PiiFlag` of the engine contract.
 */

/** Kinds of personal data we flag; postcode and birthdate are quasi-identifiers. */
export type PiiKind = 'email' | 'phone' | 'iban' | 'name' | 'street' | 'birthdate' | 'ip' | 'postcode';

/** A detected kind of personal data and a plain sentence saying why. */
export interface PiiMatch {
  kind: PiiKind;
  /** e.g. `column name "E-Mail"` or `48 of 50 sampled values look like e-mail addresses`. */
  evidence: string;
  /** True for quasi-identifiers (postcode, birthdate): personal only in combination. */
  quasi?: boolean;
  /** Sampled values that matched the kind's pattern (value evidence only). */
  matched?: number;
  /** Non-empty values sampled (when values were given). */
  sampled?: number;
  /** A sampled value, masked (`m•••@•••.de`): a matching one for value evidence, else the first. */
  example?: string;
}

/** Share of non-empty sampled values that must match a pattern before values count as evidence. */
export const VALUE_MAJORITY = 0.75;
/** Fewest non-empty sampled values that can count as evidence. */
export const MIN_SAMPLED = 3;

const QUASI: ReadonlySet<PiiKind> = new Set<PiiKind>(['postcode', 'birthdate']);

/**
 * Whether a detected column counts as personal data until the user marks it otherwise (exports
 * leave it out). Every kind does but the postcode: it identifies no one alone and is what
 * geographic segments are made of, so it is flagged (a quasi-identifier) and exported unless
 * the user marks it. A birth date is personal data in its own right.
 * @param match what detection found, if anything
 */
export function personalByDefault(match: Pick<PiiMatch, 'kind'> | undefined): boolean {
  return match !== undefined && match.kind !== 'postcode';
}

const VALUE_LABEL: Record<'email' | 'phone' | 'iban' | 'ip' | 'street', string> = {
  email: 'e-mail addresses',
  phone: 'phone numbers',
  iban: 'IBANs with a valid checksum',
  ip: 'IP addresses',
  street: 'street addresses'
};

/** Words that make a "name" column a company, product or other non-person name. */
const NOT_PERSON =
  /produkt|product|artikel|article|item|firm|company|companies|unternehmen|gesellschaft|organi[sz]ation|shop|store|filiale|branch|marke|brand|kategorie|category|gruppe|group|datei|file|tabelle|table|spalte|column|feld|field|host|domain|server|lieferant|supplier|vendor|haendler|merchant|bank|stadt|city|ort|land|country|region|kampagne|campaign|segment|projekt|project|abteilung|department|team|verein|club|schule|school|hotel|event|veranstaltung|modell|model|typ|type|sorte|tarif|plan|paket|package|app|programm|program|rolle|role|status|farbe|colou?r|account|konto/;

/**
 * Lower-cases a column name, folds umlauts and ß, and splits it into words at separators and
 * camelCase boundaries: `EMailAdresse` → `["e", "mail", "adresse"]`.
 * @param name the column name as the user sees it
 */
export function nameTokens(name: string): string[] {
  const spaced = name
    .replace(/([a-zäöüß0-9])([A-ZÄÖÜ])/g, '$1 $2')
    .replace(/([A-ZÄÖÜ])([A-ZÄÖÜ][a-zäöüß])/g, '$1 $2');
  return fold(spaced)
    .split(/[^a-z0-9]+/)
    .filter((t) => t.length > 0);
}

function fold(s: string): string {
  return s.toLowerCase().replace(/ä/g, 'ae').replace(/ö/g, 'oe').replace(/ü/g, 'ue').replace(/ß/g, 'ss');
}

/**
 * Detects personal data from a column name alone.
 * @param name the column name, e.g. `E-Mail`, `Geburtsdatum`, `first_name`
 * @returns the kind, or undefined when the name says nothing personal
 */
export function piiKindFromName(name: string): PiiKind | undefined {
  const tokens = nameTokens(name);
  if (tokens.length === 0) return undefined;
  const has = (...words: string[]) => words.some((w) => tokens.includes(w));
  const joined = tokens.join('');

  if (/email|mailadress/.test(joined) || has('mail', 'mails')) return 'email';
  if (has('ip', 'ipv4', 'ipv6') || /ipaddress|ipadresse|ipaddr/.test(joined)) return 'ip';
  if (/iban|kontonummer|kontonr|bankverbindung|accountnumber|bankaccount/.test(joined) || has('konto', 'kto')) return 'iban';
  if (
    /telefon|telephone|phone|handy|rufnummer|mobilnummer|mobiltelefon|faxnummer|cellphone/.test(joined) ||
    has('tel', 'mobil', 'mobile', 'fon', 'fax', 'cell')
  )
    return 'phone';
  if (/geburtsdatum|geburtstag|geburtsjahr|gebdatum|birthdate|birthday|dateofbirth/.test(joined) || has('dob', 'birth', 'geburt')) return 'birthdate';
  if (/postleitzahl|postcode|postalcode|zipcode/.test(joined) || has('plz', 'zip')) return 'postcode';
  const street = /strasse|street|adresse|address|anschrift|hausnummer/.test(joined) || has('addr', 'str');
  if (street && !/web|url|mac/.test(joined)) return 'street';
  if (isPersonName(tokens, joined)) return 'name';
  return undefined;
}

function isPersonName(tokens: string[], joined: string): boolean {
  const personal =
    /vorname|nachname|familienname|geburtsname|rufname|firstname|lastname|fullname|surname|givenname|middlename|maidenname|kundenname|customername|clientname|personname|contactname|kontaktname|ansprechpartner|kontoinhaber|accountholder|namevorname|vornamename/;
  if (personal.test(joined) && !/firm|company|produkt|product/.test(joined)) return true;
  const named = tokens.some((t) => t === 'name' || t === 'names' || (t.endsWith('name') && t.length > 4));
  if (!named) return false;
  return !NOT_PERSON.test(joined);
}

const EMAIL = /^[^\s@<>(),;:"]+@[^\s@<>(),;:"]+\.[a-z]{2,}$/i;
const PHONE_INTL = /^(?:\+|00)[1-9]\d{0,3}[\s\-/.]?(?:\(0\)[\s\-/.]?)?\(?\d[\d\s\-/.()]{4,18}\d$/;
const PHONE_NATIONAL = /^\(?0[1-9]\d{0,5}\)?[\s\-/.]?\d[\d\s\-/.]{3,14}\d$/;
const DATE_LIKE = /^\d{1,4}[.\-/]\d{1,2}[.\-/]\d{1,4}$/;
const IPV4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const STREET_DE =
  /^\p{L}[\p{L} .'-]*(?:straße|strasse|str\.?|weg|gasse|allee|platz|ring|damm|ufer|chaussee|steig|pfad|markt|zeile)\s*\d{1,4}\s*[a-z]?(?:\s*[-/]\s*\d{1,4}\s*[a-z]?)?(?:\s*,.*)?$/iu;
const STREET_EN_NUMBER_FIRST =
  /^\d{1,5}[a-z]?\s+\p{L}[\p{L} .'-]*\s(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl|terrace|close|crescent|square|sq)\.?(?:\s*,.*)?$/iu;
const STREET_EN_NUMBER_LAST =
  /^\p{L}[\p{L} .'-]*\s(?:street|st|road|rd|avenue|ave|boulevard|blvd|lane|ln|drive|dr|way|court|ct|place|pl)\.?\s+\d{1,5}[a-z]?(?:\s*,.*)?$/iu;

/**
 * Whether a value looks like an e-mail address.
 * @param value a trimmed cell value
 */
export function isEmail(value: string): boolean {
  return EMAIL.test(value);
}

/**
 * Whether a value looks like a phone number: `+49 30 1234567`, `0171-1234567`, `(030) 123456`.
 * Needs 7 to 15 digits and a leading `+`, `00` or `0`; dates such as `01.12.2025` do not count.
 * @param value a trimmed cell value
 */
export function isPhone(value: string): boolean {
  if (DATE_LIKE.test(value)) return false;
  const digits = value.replace(/\D/g, '').length;
  if (digits < 7 || digits > 15) return false;
  return PHONE_INTL.test(value) || PHONE_NATIONAL.test(value);
}

/**
 * Whether a value is an IBAN with a valid ISO 13616 mod-97 checksum (spaces allowed).
 * @param value a trimmed cell value, e.g. `DE89 3704 0044 0532 0130 00`
 */
export function isIban(value: string): boolean {
  const s = value.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/.test(s)) return false;
  const rearranged = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) rest = (rest * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return rest === 1;
}

/**
 * Whether a value is an IPv4 (`192.168.0.1`) or IPv6 (`2001:db8::1`) address.
 * @param value a trimmed cell value
 */
export function isIp(value: string): boolean {
  if (IPV4.test(value)) return true;
  return isIpv6(value);
}

function isIpv6(value: string): boolean {
  if (!value.includes(':') || !/^[0-9a-f:.]+$/i.test(value)) return false;
  const halves = value.split('::');
  if (halves.length > 2) return false;
  const groups = (part: string) => (part === '' ? [] : part.split(':'));
  const head = groups(halves[0]);
  const tail = halves.length === 2 ? groups(halves[1]) : [];
  const all = [...head, ...tail];
  let slots = 0;
  for (let i = 0; i < all.length; i++) {
    const g = all[i];
    if (i === all.length - 1 && g.includes('.')) {
      if (!IPV4.test(g)) return false;
      slots += 2;
    } else if (/^[0-9a-f]{1,4}$/i.test(g)) slots += 1;
    else return false;
  }
  return halves.length === 2 ? slots < 8 : slots === 8;
}

/**
 * Whether a value looks like a street address: `Hauptstraße 12`, `Hauptstr. 12a, 10115 Berlin`,
 * `Main St 5`, `221B Baker Street`.
 * @param value a trimmed cell value
 */
export function isStreet(value: string): boolean {
  return STREET_DE.test(value) || STREET_EN_NUMBER_FIRST.test(value) || STREET_EN_NUMBER_LAST.test(value);
}

const VALUE_TESTS: readonly [keyof typeof VALUE_LABEL, (v: string) => boolean][] = [
  ['iban', isIban],
  ['email', isEmail],
  ['ip', isIp],
  ['phone', isPhone],
  ['street', isStreet]
];

/**
 * Detects personal data from sampled values: the kind that a clear majority
 * (`VALUE_MAJORITY`) of the non-empty values match, with a sentence giving the counts.
 * @param values sampled cell values; null and blank values are ignored
 */
export function piiFromValues(values: readonly (string | null | undefined)[]): PiiMatch | undefined {
  const sample = nonEmpty(values);
  if (sample.length < MIN_SAMPLED) return undefined;
  let best: { kind: keyof typeof VALUE_LABEL; hits: number; first: string } | undefined;
  for (const [kind, test] of VALUE_TESTS) {
    const hits = sample.filter(test);
    if (hits.length / sample.length >= VALUE_MAJORITY && (!best || hits.length > best.hits)) best = { kind, hits: hits.length, first: hits[0] };
  }
  if (!best) return undefined;
  return withQuasi({
    kind: best.kind,
    evidence: `${best.hits} of ${sample.length} sampled values look like ${VALUE_LABEL[best.kind]}`,
    matched: best.hits,
    sampled: sample.length,
    example: maskValue(best.first, best.kind)
  });
}

function nonEmpty(values: readonly (string | null | undefined)[]): string[] {
  return values.map((v) => (v ?? '').trim()).filter((v) => v.length > 0);
}

const MASK = '•••';

/**
 * Masks a value so that it shows its shape but not who it is: `max@firma.de` → `m•••@•••.de`,
 * `+49 30 1234567` → `+49•••67`, `DE89 3704 …` → `DE•••00`, `192.168.0.1` → `192.•••`,
 * anything else its first character and `•••`.
 * @param value a cell value
 * @param kind the kind of personal data it is
 */
export function maskValue(value: string, kind: PiiKind): string {
  const v = value.trim();
  if (!v) return v;
  const first = Array.from(v)[0];
  if (kind === 'email' && v.includes('@')) {
    const domain = v.slice(v.lastIndexOf('@') + 1);
    const dot = domain.lastIndexOf('.');
    return `${first}${MASK}@${MASK}${dot >= 0 ? domain.slice(dot) : ''}`;
  }
  if (kind === 'phone' || kind === 'iban') {
    const compact = v.replace(/[\s\-/.()]/g, '');
    return compact.length > 6 ? `${compact.slice(0, kind === 'iban' ? 2 : 3)}${MASK}${compact.slice(-2)}` : `${first}${MASK}`;
  }
  if (kind === 'ip') return `${v.split(/[.:]/)[0]}${v.includes('.') ? '.' : ':'}${MASK}`;
  return `${first}${MASK}`;
}

/**
 * Detects personal data in a column from its name and, when given, a sample of its values.
 * Values that clearly match a pattern win over the name (the data is what it is); when both agree
 * the evidence names both.
 * @param name the column name
 * @param values sampled values (strings); omit for non-text columns
 */
export function detectPii(name: string, values?: readonly (string | null | undefined)[]): PiiMatch | undefined {
  const byName = piiKindFromName(name);
  const byValues = values ? piiFromValues(values) : undefined;
  const nameEvidence = `column name "${name}"`;
  if (byValues) {
    if (byName === byValues.kind) return { ...byValues, evidence: `${nameEvidence} and ${byValues.evidence}` };
    return byValues;
  }
  if (!byName) return undefined;
  const match = withQuasi({ kind: byName, evidence: nameEvidence });
  const sample = values ? nonEmpty(values) : [];
  if (values) match.sampled = sample.length;
  if (sample.length) match.example = maskValue(sample[0], byName);
  return match;
}

function withQuasi(m: PiiMatch): PiiMatch {
  return QUASI.has(m.kind) ? { ...m, quasi: true } : m;
}
