import * as Comlink from 'comlink';
import { NoteError } from '../i18n/note';
import { EngineError, notedEngineError, type EngineErrorData } from './errors';

interface Thrown {
  engine: EngineErrorData | null;
  message: string;
  name: string;
  stack?: string;
}

/**
 * Comlink sends only `{message, name, stack}` of a thrown error; this handler keeps the
 * `EngineError` fields (code, file, sql, position) across the worker boundary, and sends a
 * `NoteError` (a check in the analysis or SQL modules) as an `EngineError` with its key and values,
 * so the UI says it in its language. Imported by both `worker.ts` and `client.ts`.
 */
// Comlink 4.4.2 does not export its `throwMarker` symbol; find it by its description instead.
const isThrown = (value: object): boolean =>
  Object.getOwnPropertySymbols(value).some((s) => s.description === 'Comlink.thrown');

Comlink.transferHandlers.set('throw', {
  canHandle: (value: unknown): value is { value: unknown } =>
    typeof value === 'object' && value !== null && isThrown(value),
  serialize(thrown: { value: unknown }): [Thrown, Transferable[]] {
    const e = thrown.value instanceof NoteError ? notedEngineError(thrown.value) : thrown.value;
    if (e instanceof EngineError) return [{ engine: e.toJSON(), message: e.message, name: e.name }, []];
    const err = e instanceof Error ? e : new Error(String(e));
    return [{ engine: null, message: err.message, name: err.name, stack: err.stack }, []];
  },
  deserialize(data: Thrown): never {
    if (data.engine) throw new EngineError(data.engine);
    throw Object.assign(new Error(data.message), { name: data.name, stack: data.stack });
  }
} as Comlink.TransferHandler<unknown, Thrown>);
