import type { FileFormat } from '../api';
import { arrowLoader } from './arrow';
import { csvLoader } from './csv';
import { jsonLoader, ndjsonLoader } from './json';
import { parquetLoader } from './parquet';
import type { Loader } from './types';
import { xlsxLoader } from './xlsx';

/** One loader per format. */
export const LOADERS: Record<FileFormat, Loader> = {
  csv: csvLoader,
  parquet: parquetLoader,
  json: jsonLoader,
  ndjson: ndjsonLoader,
  xlsx: xlsxLoader,
  arrow: arrowLoader
};
