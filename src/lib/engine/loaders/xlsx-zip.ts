import type { ByteSource } from '../source';

/** One entry of a ZIP archive's central directory. */
export interface ZipEntry {
  name: string;
  /** 0 = stored, 8 = deflate. */
  method: number;
  compressedSize: number;
  /** Declared uncompressed size. */
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const ZIP64_LOCATOR = 0x07064b50;
const ZIP64_EOCD = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

/**
 * Reads a ZIP archive's central directory (at its end) without inflating anything, so declared
 * sizes can be checked before any decompression. Supports ZIP64. Returns `null` when the archive
 * has no readable directory (not a ZIP, or truncated).
 * @param source the archive
 */
export async function readZipDirectory(source: ByteSource): Promise<ZipEntry[] | null> {
  const tailStart = Math.max(0, source.size - (22 + 0xffff + 20));
  const tail = await source.read(tailStart, source.size);
  const view = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
  let at = -1;
  for (let i = tail.byteLength - 22; i >= 0; i--) {
    if (view.getUint32(i, true) === EOCD) {
      at = i;
      break;
    }
  }
  if (at < 0) return null;
  let entries = view.getUint16(at + 10, true);
  let cdSize = view.getUint32(at + 12, true);
  let cdOffset = view.getUint32(at + 16, true);
  if ((entries === 0xffff || cdOffset === 0xffffffff) && at >= 20 && view.getUint32(at - 20, true) === ZIP64_LOCATOR) {
    const recOffset = Number(view.getBigUint64(at - 20 + 8, true));
    const rec = await source.read(recOffset, recOffset + 56);
    const rv = new DataView(rec.buffer, rec.byteOffset, rec.byteLength);
    if (rec.byteLength < 56 || rv.getUint32(0, true) !== ZIP64_EOCD) return null;
    entries = Number(rv.getBigUint64(32, true));
    cdSize = Number(rv.getBigUint64(40, true));
    cdOffset = Number(rv.getBigUint64(48, true));
  }
  if (cdOffset + cdSize > source.size) return null;
  const cd = await source.read(cdOffset, cdOffset + cdSize);
  const cv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
  const decoder = new TextDecoder();
  const out: ZipEntry[] = [];
  let p = 0;
  for (let n = 0; n < entries; n++) {
    if (p + 46 > cd.byteLength || cv.getUint32(p, true) !== CENTRAL) return null;
    const nameLen = cv.getUint16(p + 28, true);
    const extraLen = cv.getUint16(p + 30, true);
    const commentLen = cv.getUint16(p + 32, true);
    const entry: ZipEntry = {
      name: decoder.decode(cd.subarray(p + 46, p + 46 + nameLen)),
      method: cv.getUint16(p + 10, true),
      compressedSize: cv.getUint32(p + 20, true),
      size: cv.getUint32(p + 24, true),
      localOffset: cv.getUint32(p + 42, true)
    };
    readZip64Extra(cv, p + 46 + nameLen, extraLen, entry);
    out.push(entry);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

function readZip64Extra(view: DataView, start: number, length: number, entry: ZipEntry): void {
  for (let q = start; q + 4 <= start + length; ) {
    const id = view.getUint16(q, true);
    const len = view.getUint16(q + 2, true);
    if (id === 0x0001) {
      let r = q + 4;
      if (entry.size === 0xffffffff) (entry.size = Number(view.getBigUint64(r, true))), (r += 8);
      if (entry.compressedSize === 0xffffffff) (entry.compressedSize = Number(view.getBigUint64(r, true))), (r += 8);
      if (entry.localOffset === 0xffffffff) entry.localOffset = Number(view.getBigUint64(r, true));
    }
    q += 4 + len;
  }
}

/**
 * Inflates one (small) entry with the platform's `DecompressionStream`.
 * @param source the archive
 * @param entry the entry, from `readZipDirectory`
 */
export async function readZipEntry(source: ByteSource, entry: ZipEntry): Promise<Uint8Array> {
  const head = await source.read(entry.localOffset, entry.localOffset + 30);
  const hv = new DataView(head.buffer, head.byteOffset, head.byteLength);
  if (head.byteLength < 30 || hv.getUint32(0, true) !== LOCAL) throw new Error(`bad local header for ${entry.name}`);
  const start = entry.localOffset + 30 + hv.getUint16(26, true) + hv.getUint16(28, true);
  const raw = await source.read(start, start + entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method !== 8) throw new Error(`unsupported ZIP compression method ${entry.method}`);
  const stream = new Blob([raw as BlobPart]).stream().pipeThrough(new DecompressionStream('deflate-raw'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
