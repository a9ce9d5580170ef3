import { scanRecords, type ScanDialect, type ScanResult } from '../../sql/csv-scan';
import { note, said, type Note } from '../../i18n/note';
import { EngineError } from '../errors';
import type { ByteSource } from '../source';
import { looksBinary } from './detect';

/** Encodings the CSV loader reads (UTF-16 files are rejected with advice). */
export type CsvEncoding = 'utf-8' | 'windows-1252';

/** A run of complete CSV records, decoded. */
export interface CsvChunk {
  text: string;
  scan: ScanResult;
  /** 1-based line of the file where `text` starts. */
  firstLine: number;
  /** Bytes of the file consumed so far. */
  bytesRead: number;
}

const UTF8_BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads a CSV file in chunks of about `chunkBytes`, decodes each (UTF-8, falling back to
 * Windows-1252 where the bytes are not valid UTF-8) and cuts it after the last record that does
 * not end inside quotes; the rest is carried into the next chunk. Only one chunk is in memory.
 */
export class CsvChunks {
  #pos = 0;
  #carry = '';
  #head: string | null = null;
  #lines = 0;
  #reads = 0;
  #decoder!: TextDecoder | null;
  #encoding: CsvEncoding = 'utf-8';
  #forced: boolean;
  /** Byte offset of the first read that was not valid UTF-8, or -1. */
  #fallbackAt = -1;
  #fallbackFirst = false;
  /** Lines read as Windows-1252 because they were not valid UTF-8. */
  #legacyLines = 0;
  /** Whether valid UTF-8 beyond ASCII was read (then the file mixes encodings when some lines are not). */
  #sawUtf8 = false;

  /**
   * @param source the file
   * @param chunkBytes bytes to read at a time
   * @param encoding the user's choice; detected when absent
   */
  constructor(
    readonly source: ByteSource,
    readonly chunkBytes: number,
    encoding?: CsvEncoding
  ) {
    this.#forced = encoding !== undefined;
    this.#setEncoding(encoding ?? 'utf-8');
  }

  /** The encoding in use (after `open`, the detected one). */
  get encoding(): CsvEncoding {
    return this.#encoding;
  }

  /** Notes on how the text was decoded. */
  get warnings(): Note[] {
    if (this.#fallbackAt < 0) return [];
    if (this.#sawUtf8) return [note('mixedEncodings', { lines: this.#legacyLines })];
    return [this.#fallbackFirst ? note('windows1252') : note('windows1252From', { at: this.#fallbackAt })];
  }

  /** Whether the whole file has been read. */
  get done(): boolean {
    return this.#pos >= this.source.size;
  }

  /** Characters read but not yet handed out (the start of an incomplete record). */
  get carried(): number {
    return this.#carry.length;
  }

  /** Bytes consumed so far. */
  get bytesRead(): number {
    return this.#pos;
  }

  /**
   * Reads and decodes the first chunk (kept for `next`), rejecting binary files.
   * @returns the decoded text, for sniffing the dialect
   */
  async open(): Promise<string> {
    const first = await this.source.read(0, Math.min(this.source.size, 65536));
    if (first[0] === 0xff && first[1] === 0xfe) throw utf16();
    if (first[0] === 0xfe && first[1] === 0xff) throw utf16();
    if (UTF8_BOM.every((b, i) => first[i] === b)) this.#pos = 3;
    if (looksBinary(first.subarray(this.#pos))) {
      if (looksUtf16(first)) throw utf16();
      throw new EngineError({ code: 'FILE_FORMAT', ...said('csvNotText') });
    }
    this.#head = (await this.#read()) ?? '';
    return this.#head;
  }

  /**
   * The next run of complete records, or null at the end of the file.
   * @param dialect delimiter and quote, to find record ends outside quotes
   */
  async next(dialect: ScanDialect): Promise<CsvChunk | null> {
    let text = this.#carry;
    const maxChars = Math.max(4 * this.chunkBytes, 1 << 20);
    for (;;) {
      const more = this.#head ?? (await this.#read());
      this.#head = null;
      if (more !== null) text += more;
      const final = this.done;
      if (final && text.length === 0) return null;
      const scan = scanRecords(text, dialect, final);
      if (final && scan.unterminatedQuote) throw unbalancedQuote(dialect.quote, this.#lines + scan.openQuoteLine);
      if (scan.end > 0 || final) {
        const chunk: CsvChunk = { text: text.slice(0, scan.end), scan, firstLine: this.#lines + 1, bytesRead: this.#pos };
        this.#carry = text.slice(scan.end);
        this.#lines += scan.lines;
        return chunk;
      }
      if (text.length > maxChars) {
        throw scan.openQuoteLine > 0 ? unbalancedQuote(dialect.quote, this.#lines + scan.openQuoteLine) : longLine(this.#lines + 1, maxChars);
      }
    }
  }

  #setEncoding(encoding: CsvEncoding): void {
    this.#encoding = encoding;
    this.#decoder = encoding === 'utf-8' ? new TextDecoder('utf-8', { fatal: !this.#forced }) : null;
  }

  async #read(): Promise<string | null> {
    const size = this.source.size;
    if (this.#pos >= size) return null;
    let bytes = await this.source.read(this.#pos, Math.min(size, this.#pos + this.chunkBytes));
    if (this.#pos + bytes.length < size) {
      // End on an ASCII byte so no multi-byte sequence is split; then falling back to
      // Windows-1252 never has to undo bytes the UTF-8 decoder held back.
      let k = bytes.length - 1;
      while (k > 0 && bytes[k] >= 0x80) k--;
      if (k > 0) bytes = bytes.subarray(0, k + 1);
    }
    const start = this.#pos;
    this.#pos += bytes.length;
    this.#reads++;
    const stream = this.#pos < size;
    let text: string;
    try {
      text = this.#decoder ? this.#decoder.decode(bytes, { stream }) : decodeWindows1252(bytes);
      if (this.#decoder && !this.#sawUtf8 && !this.#forced) this.#sawUtf8 = bytes.some((b) => b >= 0x80);
    } catch {
      if (this.#fallbackAt < 0) {
        this.#fallbackAt = start;
        this.#fallbackFirst = this.#reads === 1;
      }
      this.#encoding = 'windows-1252';
      const mixed = decodeMixed(bytes);
      this.#legacyLines += mixed.legacyLines;
      this.#sawUtf8 ||= mixed.utf8Lines > 0;
      text = mixed.text;
    }
    const nul = text.indexOf('\0');
    if (nul >= 0) {
      throw new EngineError({ code: 'FILE_FORMAT', ...said('csvNulByte', { at: start + nul }) });
    }
    return text;
  }
}

const CP1252_HIGH = [
  0x20ac, 0x81, 0x201a, 0x192, 0x201e, 0x2026, 0x2020, 0x2021, 0x2c6, 0x2030, 0x160, 0x2039, 0x152, 0x8d, 0x17d, 0x8f,
  0x90, 0x2018, 0x2019, 0x201c, 0x201d, 0x2022, 0x2013, 0x2014, 0x2dc, 0x2122, 0x161, 0x203a, 0x153, 0x9d, 0x17e, 0x178
];
const CP1252 = Uint16Array.from({ length: 256 }, (_, b) => (b >= 0x80 && b < 0xa0 ? CP1252_HIGH[b - 0x80] : b));
const UTF16 = new TextDecoder('utf-16le');

/**
 * Decodes Windows-1252 by table. Node's `TextDecoder('windows-1252')` decodes 0x80–0x9F as
 * Latin-1 (so `€` is lost) since v20.18.3: https://github.com/nodejs/node/issues/60888
 * @param bytes Windows-1252 bytes
 */
export function decodeWindows1252(bytes: Uint8Array): string {
  const units = new Uint16Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) units[i] = CP1252[bytes[i]];
  return UTF16.decode(units);
}

function looksUtf16(head: Uint8Array): boolean {
  let zeroOdd = 0;
  let zeroEven = 0;
  const n = Math.min(head.length, 4096) & ~1;
  for (let i = 0; i < n; i += 2) {
    if (head[i] === 0) zeroEven++;
    if (head[i + 1] === 0) zeroOdd++;
  }
  const half = n / 2;
  return half > 0 && (zeroOdd > 0.8 * half || zeroEven > 0.8 * half);
}

/**
 * Decodes text line by line: lines that are valid UTF-8 as UTF-8, the others as Windows-1252, so a
 * file whose rows were appended by programs with different encodings reads right in both parts.
 * @param bytes the text's bytes (ending on a line break or at the end of the file)
 */
export function decodeMixed(bytes: Uint8Array): { text: string; legacyLines: number; utf8Lines: number } {
  const parts: string[] = [];
  let legacyLines = 0;
  let utf8Lines = 0;
  for (let start = 0; start < bytes.length; ) {
    let end = bytes.indexOf(0x0a, start);
    end = end < 0 ? bytes.length : end + 1;
    const line = bytes.subarray(start, end);
    const ascii = line.every((b) => b < 0x80);
    if (ascii || validUtf8(line)) {
      parts.push(UTF8.decode(line));
      if (!ascii) utf8Lines++;
    } else {
      parts.push(decodeWindows1252(line));
      legacyLines++;
    }
    start = end;
  }
  return { text: parts.join(''), legacyLines, utf8Lines };
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function validUtf8(bytes: Uint8Array): boolean {
  try {
    UTF8.decode(bytes);
    return true;
  } catch {
    return false;
  }
}

function longLine(line: number, maxChars: number): EngineError {
  return new EngineError({ code: 'FILE_FORMAT', ...said('csvLongLine', { line, mb: Math.round(maxChars / (1 << 20)) }) });
}

function utf16(): EngineError {
  return new EngineError({ code: 'FILE_FORMAT', ...said('csvUtf16') });
}

function unbalancedQuote(quote: string, line: number): EngineError {
  return new EngineError({ code: 'FILE_FORMAT', ...said('csvUnbalancedQuote', { quote, line }) });
}
