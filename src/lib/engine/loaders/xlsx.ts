import { readSheet, type Row } from 'read-excel-file/universal';
import { uniqueColumnNames } from '../../sql/names';
import type { LoadEstimate } from '../api';
import { note, said, type Note, type NotedMessage } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';
import { columnsToIPC, duckdbTypeName, type ColumnKind, type JsColumn } from './arrow-build';
import { checkCancelled, quotedList, sampleSize, selectColumns } from './common';
import type { InspectContext, Loader, LoadContext, LoadResult } from './types';
import { readZipDirectory, readZipEntry, type ZipEntry } from './xlsx-zip';

/** Sheet XML beyond this (declared, uncompressed) is refused before anything is inflated. */
export const XLSX_XML_LIMIT = 1024 ** 3;
/**
 * One sheet's XML beyond this (about 270,000 rows of three columns) is refused up front:
 * read-excel-file parses a sheet whole, and on 1,048,576 rows (117 MB of XML) it ran for two
 * minutes in Node and then failed.
 */
export const XLSX_SHEET_LIMIT = 32 * 1024 ** 2;
const BATCH_ROWS = 100_000;
const DAY_MS = 86_400_000;

/**
 * Excel `.xlsx` through `read-excel-file` (its universal entry: no nested workers, bytes or a
 * `Blob` in). The ZIP central directory is read first to refuse zip bombs and list the sheets
 * cheaply; the first row of the sheet is the header; each column gets one type.
 */
export const xlsxLoader: Loader = {
  format: 'xlsx',
  async inspect(ctx) {
    const book = await openBook(ctx);
    const refusal = guard(ctx, book);
    if (refusal) throw new EngineError({ code: 'FILE_TOO_LARGE', ...refusal, file: ctx.source.name });
    const estimate: LoadEstimate = {
      file: ctx.source.name,
      format: 'xlsx',
      bytes: ctx.source.size,
      rows: 0,
      memoryBytes: book.xmlBytes,
      availableBytes: ctx.availableBytes,
      fits: false,
      columns: [],
      sheets: book.sheets,
      warnings: []
    };
    const sheet = await parseSheet(ctx, book.sheets);
    const sample = sampleSize(ctx);
    const rows = sample === null ? sheet.rows.length : Math.min(sample, sheet.rows.length);
    const memoryBytes = rows * sheet.columns.reduce((s, c) => s + c.width, 0);
    return {
      ...estimate,
      rows,
      memoryBytes,
      fits: memoryBytes <= ctx.availableBytes,
      columns: sheet.columns.map((c) => ({ name: c.name, type: duckdbTypeName(c.kind) })),
      warnings: sheet.warnings
    };
  },
  async load(ctx) {
    const insertArrow = ctx.db.insertArrow?.bind(ctx.db);
    if (!insertArrow) throw new EngineError({ code: 'UNSUPPORTED', ...said('noArrowInsert'), file: ctx.source.name });
    const book = await openBook(ctx);
    const refusal = guard(ctx, book);
    if (refusal) throw new EngineError({ code: 'FILE_TOO_LARGE', ...refusal, file: ctx.source.name });
    ctx.onProgress({ phase: 'reading', bytesRead: 0, bytesTotal: ctx.source.size, rows: 0 });
    const sheet = await parseSheet(ctx, book.sheets);
    checkCancelled(ctx);
    const names = selectColumns(ctx, sheet.columns.map((c) => c.name));
    const columns = sheet.columns.filter((c) => names.includes(c.name));
    const warnings = [...sheet.warnings];
    const n = sampleSize(ctx);
    const total = n === null ? sheet.rows.length : Math.min(n, sheet.rows.length);
    if (total < sheet.rows.length) warnings.push(note('sampleFirst', { rows: total, total: sheet.rows.length }));
    for (let start = 0; start < total || start === 0; start += BATCH_ROWS) {
      checkCancelled(ctx);
      const end = Math.min(total, start + BATCH_ROWS);
      const batch: JsColumn[] = columns.map((c) => ({
        name: c.name,
        kind: c.kind,
        values: sheet.rows.slice(start, end).map((r) => c.convert(r[c.index] ?? null))
      }));
      await insertArrow(ctx.table, columnsToIPC(batch, end - start), start === 0);
      ctx.onProgress({ phase: 'converting', bytesRead: ctx.source.size, bytesTotal: ctx.source.size, rows: end });
      if (end >= total) break;
    }
    const conversions: Record<string, Note> = {};
    for (const c of columns) if (c.conversion) conversions[c.name] = c.conversion;
    return { warnings, conversions } satisfies LoadResult;
  }
};

interface Book {
  sheets: string[];
  /** Declared uncompressed size of all XML parts (what read-excel-file inflates). */
  xmlBytes: number;
  /** Declared uncompressed size of each sheet's XML, by sheet name (when the workbook links it). */
  sheetBytes: Map<string, number>;
}

async function openBook(ctx: InspectContext): Promise<Book> {
  const entries = await readZipDirectory(ctx.source);
  if (!entries) throw corrupt(ctx.source, said('xlsxNotZip'));
  const workbook = entries.find((e) => e.name === 'xl/workbook.xml');
  if (!workbook) throw corrupt(ctx.source, said('xlsxNoWorkbook'));
  const xmlBytes = entries.filter(isXmlPart).reduce((s, e) => s + e.size, 0);
  const liar = entries.find((e) => e.method === 8 && e.compressedSize > e.size + e.size / 100 + 1024);
  if (liar) {
    throw new EngineError({ code: 'FILE_TOO_LARGE', ...said('xlsxSizeLie', { part: liar.name, bytes: liar.size }), file: ctx.source.name });
  }
  if (workbook.size > 64 * 1024 * 1024) throw corrupt(ctx.source, said('xlsxWorkbookTooLarge'));
  let xml: string;
  try {
    xml = new TextDecoder().decode(await readZipEntry(ctx.source, workbook));
  } catch (e) {
    throw corrupt(ctx.source, said('xlsxWorkbookUnpack'), e);
  }
  const tags = [...xml.matchAll(/<(?:\w+:)?sheet\b[^>]*>/g)].map((m) => m[0]);
  const sheets = tags.flatMap((t) => /\bname="([^"]*)"/.exec(t)?.[1] ?? []).map(unescapeXml);
  if (!sheets.length) throw corrupt(ctx.source, said('xlsxNoSheets'));
  return { sheets, xmlBytes, sheetBytes: await sheetSizes(ctx.source, entries, tags) };
}

/** Each sheet's declared XML size, following `r:id` through `xl/_rels/workbook.xml.rels`. */
async function sheetSizes(source: ByteSource, entries: ZipEntry[], tags: string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  const rels = entries.find((e) => e.name === 'xl/_rels/workbook.xml.rels');
  if (!rels || rels.size > 16 * 1024 * 1024) return sizes;
  let text: string;
  try {
    text = new TextDecoder().decode(await readZipEntry(source, rels));
  } catch {
    return sizes;
  }
  const targets = new Map<string, string>();
  for (const [rel] of text.matchAll(/<(?:\w+:)?Relationship\b[^>]*>/g)) {
    const id = /\bId="([^"]*)"/.exec(rel)?.[1];
    const target = /\bTarget="([^"]*)"/.exec(rel)?.[1];
    if (id && target) targets.set(id, target.startsWith('/') ? target.slice(1) : `xl/${target}`);
  }
  for (const tag of tags) {
    const name = /\bname="([^"]*)"/.exec(tag)?.[1];
    const id = /\b(?:\w+:)?id="([^"]*)"/.exec(tag)?.[1];
    const part = id === undefined ? undefined : entries.find((e) => e.name === targets.get(id));
    if (name !== undefined && part) sizes.set(unescapeXml(name), part.size);
  }
  return sizes;
}

function isXmlPart(e: ZipEntry): boolean {
  return e.name.endsWith('.xml') || e.name.endsWith('.xml.rels');
}

function guard(ctx: InspectContext, book: Book): NotedMessage | null {
  const { xmlBytes } = book;
  const mb = (b: number) => Math.round(b / 1024 ** 2);
  if (xmlBytes > XLSX_XML_LIMIT) return said('xlsxXmlLimit', { mb: mb(xmlBytes), limit: mb(XLSX_XML_LIMIT) });
  if (xmlBytes > ctx.availableBytes) return said('xlsxXmlMemory', { mb: mb(xmlBytes), left: mb(ctx.availableBytes) });
  const sheet = ctx.options.sheet ?? book.sheets[0];
  const sheetBytes = book.sheetBytes.get(sheet) ?? 0;
  if (sheetBytes > XLSX_SHEET_LIMIT) {
    return said('xlsxSheetLimit', { sheet, mb: mb(sheetBytes), limit: mb(XLSX_SHEET_LIMIT) });
  }
  return null;
}

interface SheetColumn {
  index: number;
  name: string;
  kind: ColumnKind;
  width: number;
  conversion?: Note;
  convert: (v: unknown) => unknown;
}

interface ParsedSheet {
  columns: SheetColumn[];
  rows: Row[];
  warnings: Note[];
}

async function parseSheet(ctx: InspectContext, sheets: string[]): Promise<ParsedSheet> {
  const wanted = ctx.options.sheet;
  if (wanted !== undefined && !sheets.includes(wanted)) {
    throw new EngineError({ code: 'FILE_FORMAT', ...said('xlsxNoSheet', { sheet: wanted, sheets: quotedList(sheets) }), file: ctx.source.name });
  }
  const sheet = wanted ?? sheets[0];
  let data: Row[];
  try {
    const input = ctx.source.file ?? toArrayBuffer(await ctx.source.read(0, ctx.source.size));
    data = await readSheet(input, sheet);
  } catch (e) {
    const name = (e as { name?: string }).name;
    if (name === 'InvalidInputError') throw corrupt(ctx.source, said('xlsxUnzip'), e);
    throw corrupt(ctx.source, said('xlsxSheetUnreadable', { sheet }), e);
  }
  const warnings: Note[] = [];
  if (sheets.length > 1) warnings.push(note('xlsxSheetOf', { sheet, count: sheets.length, sheets: quotedList(sheets) }));
  if (data.length === 0) {
    throw new EngineError({ code: 'FILE_EMPTY', ...said('xlsxSheetEmpty', { sheet }), file: ctx.source.name });
  }
  const [header = [], ...rows] = data;
  const width = Math.max(header.length, ...rows.slice(0, 1000).map((r) => r.length));
  const names = uniqueColumnNames(Array.from({ length: width }, (_, i) => headerText(header[i])));
  const columns = names.map((name, index) => planColumn(name, index, rows));
  return { columns, rows, warnings };
}

function headerText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (v instanceof Date) {
    const iso = new Date(excelTime(v)).toISOString();
    return isMidnight(v) ? iso.slice(0, 10) : iso;
  }
  return String(v);
}

function planColumn(name: string, index: number, rows: Row[]): SheetColumn {
  let numbers = 0;
  let integers = 0;
  let dates = 0;
  let midnights = 0;
  let bools = 0;
  let strings = 0;
  let textBytes = 0;
  for (const r of rows) {
    const v = r[index];
    if (v === null || v === undefined) continue;
    if (typeof v === 'number') {
      numbers++;
      if (Number.isSafeInteger(v)) integers++;
    } else if (v instanceof Date) {
      dates++;
      if (isMidnight(v)) midnights++;
    } else if (typeof v === 'boolean') bools++;
    else {
      strings++;
      textBytes += String(v).length;
    }
  }
  const filled = numbers + dates + bools + strings;
  const base = { name, index };
  if (filled && numbers === filled) {
    return integers === numbers ? { ...base, kind: 'int64', width: 8, convert: nullish } : { ...base, kind: 'double', width: 8, convert: nullish };
  }
  if (filled && dates === filled) {
    return midnights === dates
      ? { ...base, kind: 'date', width: 4, convert: (v) => (v instanceof Date ? Math.floor(excelTime(v) / DAY_MS) : null) }
      : { ...base, kind: 'timestamp', width: 8, convert: (v) => (v instanceof Date ? BigInt(excelTime(v)) * 1000n : null) };
  }
  if (filled && bools === filled) return { ...base, kind: 'bool', width: 1, convert: nullish };
  const mixed = strings !== filled && filled > 0;
  return {
    ...base,
    kind: 'utf8',
    width: 16 + (strings ? textBytes / strings : 0),
    conversion: mixed ? note('convMixed') : undefined,
    convert: (v) => (v === null || v === undefined ? null : typeof v === 'string' ? v : headerText(v))
  };
}

function nullish(v: unknown): unknown {
  return v ?? null;
}

function isMidnight(d: Date): boolean {
  return excelTime(d) % DAY_MS === 0;
}

/**
 * Milliseconds since 1970 of an Excel date cell, snapped to the whole second when within 1 ms:
 * Excel stores date-times as fractional days, and the conversion lands on `07:59:59.999`.
 * @param d the cell value
 */
function excelTime(d: Date): number {
  const t = d.getTime();
  const s = Math.round(t / 1000) * 1000;
  return Math.abs(t - s) <= 1 ? s : t;
}

function toArrayBuffer(bytes: Uint8Array): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
}

function unescapeXml(s: string): string {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function corrupt(source: ByteSource, what: NotedMessage, cause?: unknown): EngineError {
  const detail = cause instanceof Error ? cause.message : undefined;
  return new EngineError({ code: 'FILE_FORMAT', ...what, detail, file: source.name }, { cause });
}
