/**
 * The user's personal-data marks per table (saved with the notebook's sources) and the opt-ins of
 * the next download of each cell (never saved: an opt-in holds for one export).
 */
import { personalMarks } from '../../analysis/personal';
import type { Source } from '../../notebook/model';

/** The opt-ins of one cell's next download. */
export interface ExportOptIn {
  /** Personal columns the next download writes as they are. */
  include: string[];
  /** Pseudonymise the other personal columns instead of leaving them out. */
  pseudonymise: boolean;
}

/**
 * A new random salt: 32 bytes from `crypto.getRandomValues`, as 64 lower-case hex digits.
 * @param random fills a byte array with random values (default: Web Crypto)
 */
export function newSalt(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  return Array.from(random(new Uint8Array(32)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** Marks by table and column, and per-cell download opt-ins. */
export class PersonalData {
  /** Table name → column name → `true` marked personal, `false` unmarked. */
  marks = $state<Record<string, Record<string, boolean>>>({});
  /** Cell id → opt-ins of its next download. */
  optIns = $state<Record<string, ExportOptIn>>({});

  /** @param changed called after every change of the marks (autosave) */
  constructor(private readonly changed: () => void) {}

  /**
   * Whether a column counts as personal: its mark, else whether detection flagged it.
   * @param table the table
   * @param column the column
   * @param detected detection flagged it
   */
  isPersonal(table: string, column: string, detected: boolean): boolean {
    return this.marks[table]?.[column] ?? detected;
  }

  /**
   * Marks a column personal or not; a mark equal to what detection says is dropped.
   * @param table the table
   * @param column the column
   * @param personal the new state
   * @param detected whether detection flagged the column
   */
  mark(table: string, column: string, personal: boolean, detected: boolean): void {
    const own = { ...this.marks[table] };
    if (personal === detected) delete own[column];
    else own[column] = personal;
    const next = { ...this.marks };
    if (Object.keys(own).length) next[table] = own;
    else delete next[table];
    this.marks = next;
    this.changed();
  }

  /**
   * A table's marks as a source saves them, or undefined when it has none.
   * @param table the table
   */
  of(table: string): Record<string, boolean> | undefined {
    const own = this.marks[table];
    return own && Object.keys(own).length ? { ...own } : undefined;
  }

  /** The marks of every table merged by column name, as exports apply them. */
  all(): Record<string, boolean> {
    return personalMarks(Object.values(this.marks).map((personal) => ({ personal })));
  }

  /**
   * Takes the marks of an opened notebook's sources.
   * @param sources the document's sources
   */
  restore(sources: readonly Source[]): void {
    this.marks = Object.fromEntries(sources.filter((s) => s.personal && Object.keys(s.personal).length).map((s) => [s.name, { ...s.personal }]));
    this.optIns = {};
  }

  /**
   * Moves a table's marks to its new name.
   * @param from the old name
   * @param to the new name
   */
  rename(from: string, to: string): void {
    if (!this.marks[from]) return;
    const { [from]: moved, ...rest } = this.marks;
    this.marks = { ...rest, [to]: moved };
  }

  /**
   * Forgets a dropped table's marks.
   * @param table the table
   */
  forget(table: string): void {
    if (!this.marks[table]) return;
    const { [table]: _, ...rest } = this.marks;
    this.marks = rest;
  }

  /**
   * The opt-ins of a cell's next download (none by default).
   * @param cellId the cell
   */
  optIn(cellId: string): ExportOptIn {
    return this.optIns[cellId] ?? { include: [], pseudonymise: false };
  }

  /**
   * Sets the opt-ins of a cell's next download.
   * @param cellId the cell
   * @param optIn what the download includes or pseudonymises
   */
  setOptIn(cellId: string, optIn: ExportOptIn): void {
    this.optIns = { ...this.optIns, [cellId]: { include: [...optIn.include], pseudonymise: optIn.pseudonymise } };
  }

  /**
   * Hands out a cell's opt-ins for one download and resets them, so the next export starts
   * without personal data again.
   * @param cellId the cell
   */
  take(cellId: string): ExportOptIn {
    const optIn = this.optIn(cellId);
    const { [cellId]: _, ...rest } = this.optIns;
    this.optIns = rest;
    return optIn;
  }
}
