import { describe, expect, it } from 'vitest';
import { fromDuckDBError, isWasmTrap } from '../../src/lib/engine/errors';

// Issue 8, point 5: a trap inside DuckDB-WASM ends the engine worker (worker.ts), the client
// restarts it; DuckDB's own out-of-memory error is an ordinary failed query.

function named(name: string, message: string): Error {
  const e = new Error(message);
  e.name = name;
  return e;
}

describe('isWasmTrap(cause)', () => {
  it('knows traps and aborts as DuckDB-WASM reports them', () => {
    expect(isWasmTrap(named('RuntimeError', 'memory access out of bounds'))).toBe(true);
    expect(isWasmTrap(new Error('RuntimeError: unreachable executed'))).toBe(true);
    expect(isWasmTrap(new Error('Aborted(OOM). Build with -sASSERTIONS for more info.'))).toBe(true);
    expect(isWasmTrap(new Error('table index is out of bounds'))).toBe(true);
  });

  it('leaves ordinary errors, DuckDB out-of-memory included, alone', () => {
    expect(isWasmTrap(new Error('Out of Memory Error: failed to allocate data of size 2.0 GiB (1.9 GiB/3.1 GiB used)'))).toBe(false);
    expect(isWasmTrap(new Error('Binder Error: Referenced column "x" not found'))).toBe(false);
    expect(isWasmTrap('memory access out of bounds')).toBe(false);
  });
});

describe('fromDuckDBError(cause, sql)', () => {
  it('classifies a trap as ENGINE_DIED', () => {
    expect(fromDuckDBError(named('RuntimeError', 'memory access out of bounds'), 'SELECT 1').code).toBe('ENGINE_DIED');
    expect(fromDuckDBError(new Error('Out of Memory Error: Allocation failure'), 'SELECT 1').code).toBe('SQL_RUNTIME');
  });
});
