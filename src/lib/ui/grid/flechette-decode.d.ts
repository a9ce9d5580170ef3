/** Types for the two flechette 2.6 modules `decode.ts` imports directly (they are not re-exported by the package index). */
declare module '@uwdata/flechette/src/decode/decode-ipc.js' {
  export function decodeIPC(data: Uint8Array): import('@uwdata/flechette/dist/types/types.js').ArrowData;
}

declare module '@uwdata/flechette/src/decode/table-from-ipc.js' {
  export function createTable(
    data: import('@uwdata/flechette/dist/types/types.js').ArrowData,
    options?: import('@uwdata/flechette/dist/types/types.js').ExtractionOptions
  ): import('@uwdata/flechette').Table;
}
