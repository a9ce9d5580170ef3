/** Locale-aware formatting of numbers, byte sizes, dates and result cells for the UI. */

export type UiLocale = 'de-DE' | 'en-US';

/** Formatters bound to one locale. */
export class Formatter {
  readonly #int: Intl.NumberFormat;
  readonly #dec: Intl.NumberFormat;
  readonly #pct: Intl.NumberFormat;
  readonly #one: Intl.NumberFormat;
  readonly #date: Intl.DateTimeFormat;
  readonly #time: Intl.DateTimeFormat;

  /** @param locale the locale to format for */
  constructor(readonly locale: UiLocale) {
    this.#int = new Intl.NumberFormat(locale, { maximumFractionDigits: 0 });
    this.#dec = new Intl.NumberFormat(locale, { maximumFractionDigits: 4 });
    this.#pct = new Intl.NumberFormat(locale, { style: 'percent', maximumFractionDigits: 1 });
    this.#one = new Intl.NumberFormat(locale, { minimumFractionDigits: 1, maximumFractionDigits: 1 });
    this.#date = new Intl.DateTimeFormat(locale, { timeZone: 'UTC', year: 'numeric', month: '2-digit', day: '2-digit' });
    this.#time = new Intl.DateTimeFormat(locale, {
      timeZone: 'UTC',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      hour12: false
    });
  }

  /**
   * A whole number with grouping, e.g. `1.234` (de) or `1,234` (en).
   * @param n the number
   */
  int(n: number): string {
    return this.#int.format(n);
  }

  /**
   * A number with up to 4 fraction digits.
   * @param n the number
   */
  num(n: number): string {
    return Number.isInteger(n) ? this.#int.format(n) : this.#dec.format(n);
  }

  /**
   * A number with exactly `digits` fraction digits, e.g. `1.234,50`.
   * @param n the number
   * @param digits fraction digits
   */
  fixed(n: number, digits: number): string {
    return new Intl.NumberFormat(this.locale, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(n);
  }

  /**
   * A share in 0…1 as a percentage.
   * @param share the share
   */
  pct(share: number): string {
    if (share > 0 && share < 0.001) return `<${this.#pct.format(0.001)}`;
    return this.#pct.format(share);
  }

  /**
   * Seconds with one decimal from milliseconds.
   * @param ms milliseconds
   */
  seconds(ms: number): string {
    return this.#one.format(ms / 1000);
  }

  /**
   * A byte count in B, KB, MB or GB (powers of 1024), e.g. `12,5 MB`.
   * @param bytes the count
   */
  bytes(bytes: number): string {
    const units = ['B', 'KB', 'MB', 'GB', 'TB'];
    let v = bytes;
    let i = 0;
    while (v >= 1024 && i < units.length - 1) {
      v /= 1024;
      i++;
    }
    return `${i === 0 ? this.#int.format(v) : this.#one.format(v)} ${units[i]}`;
  }

  /**
   * A profile statistic: numbers formatted, strings (dates, text) shown as they are.
   * @param v the value
   */
  stat(v: number | string | null | undefined): string {
    if (v === null || v === undefined) return '–';
    return typeof v === 'number' ? this.num(v) : v;
  }

  /**
   * One SQL result cell as display text.
   * @param v the decoded value
   * @param kind how the column is typed
   */
  cell(v: unknown, kind: CellKind): string {
    if (v === null || v === undefined) return '';
    if (typeof v === 'number') return Number.isFinite(v) ? this.num(v) : String(v);
    if (typeof v === 'bigint') return this.#int.format(v);
    if (v instanceof Date) {
      if (Number.isNaN(v.getTime())) return String(v);
      if (this.locale === 'en-US') return isoDate(v, kind === 'date');
      return kind === 'date' ? this.#date.format(v) : this.#time.format(v);
    }
    if (typeof v === 'string') return v;
    if (typeof v === 'boolean') return String(v);
    if (v instanceof Uint8Array) return `<${this.bytes(v.byteLength)}>`;
    try {
      return JSON.stringify(v, (_, x) => (typeof x === 'bigint' ? x.toString() : x));
    } catch {
      return String(v);
    }
  }
}

/** English dates as ISO 8601 (`2025-12-31`, `2025-12-31 14:30:00`): unambiguous, unlike `12/31/2025`. */
function isoDate(d: Date, dateOnly: boolean): string {
  const iso = d.toISOString();
  return dateOnly ? iso.slice(0, 10) : iso.slice(0, 19).replace('T', ' ');
}

/** How a result column is displayed: numbers right-aligned, dates without time. */
export type CellKind = 'number' | 'date' | 'timestamp' | 'text';
