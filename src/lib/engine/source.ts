/**
 * Random-access bytes of one input file. The browser wraps a `File` (read slice by slice, never
 * copied whole); Node wraps a path. Loaders only ever see this interface.
 */
export interface ByteSource {
  /** File name as the user knows it (used in messages and to derive the table name). */
  readonly name: string;
  /** Size in bytes. */
  readonly size: number;
  /** Reads bytes [start, end). */
  read(start: number, end: number): Promise<Uint8Array>;
  /** The underlying browser `File`, when there is one (lets DuckDB-WASM read it lazily). */
  readonly file?: File;
  /** Absolute path on disk, when there is one (Node): native DuckDB reads it directly. */
  readonly path?: string;
}

/**
 * Wraps a browser `File` / `Blob`.
 * @param file the picked or dropped file
 */
export function fileSource(file: File): ByteSource {
  return {
    name: file.name,
    size: file.size,
    file,
    async read(start, end) {
      return new Uint8Array(await file.slice(start, end).arrayBuffer());
    }
  };
}

/**
 * Wraps bytes already in memory (tests, generated files).
 * @param name file name
 * @param bytes content
 */
export function bytesSource(name: string, bytes: Uint8Array): ByteSource {
  return {
    name,
    size: bytes.byteLength,
    async read(start, end) {
      return bytes.subarray(start, Math.min(end, bytes.byteLength));
    }
  };
}

/**
 * Reads a whole source; only for formats whose parsers need everything at once (small xlsx, JSON).
 * @param source the file
 */
export async function readAll(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, source.size);
}
