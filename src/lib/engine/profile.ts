import type { TableProfile } from './api';
import type { Db } from './db';
import { EngineError } from './errors';

// PLACEHOLDER: being written in this session; must not land as is.
export async function profileTable(_db: Db, _table: string): Promise<TableProfile> {
  throw new EngineError({ code: 'UNSUPPORTED', message: 'profile not written yet' });
}
