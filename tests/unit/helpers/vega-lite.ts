import Ajv from 'ajv';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const schema = JSON.parse(readFileSync(path.resolve('node_modules/vega-lite/build/vega-lite-schema.json'), 'utf8'));

/** Ajv validator of the installed Vega-Lite JSON schema (formats it uses registered). */
export const validateVegaLite = new Ajv({ allErrors: true, strict: false })
  .addFormat('color-hex', /^#([0-9a-f]{3}|[0-9a-f]{6}|[0-9a-f]{8})$/i)
  .addFormat('uri', /^[a-z][a-z0-9+.-]*:\S+$/i)
  .addFormat('uri-reference', /^\S*$/)
  .compile(schema);
