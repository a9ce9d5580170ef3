import { describe, expect, it } from 'vitest';
import type { LoadEstimate, LoadOptions, LoadProgress, TableInfo } from '../../../src/lib/engine/api';
import type { EngineClient } from '../../../src/lib/engine/client';
import { EngineError } from '../../../src/lib/engine/errors';
import { EngineQueue } from '../../../src/lib/ui/engine-queue';
import { LoadQueue } from '../../../src/lib/ui/loads.svelte';
import { Notices } from '../../../src/lib/ui/notices.svelte';

function estimate(file: string, over: Partial<LoadEstimate> = {}): LoadEstimate {
  return {
    file,
    format: 'csv',
    bytes: 100,
    rows: 10,
    memoryBytes: 1000,
    availableBytes: 10_000,
    fits: true,
    columns: [
      { name: 'a', type: 'BIGINT' },
      { name: 'b', type: 'VARCHAR' }
    ],
    warnings: [],
    ...over
  };
}

/** A client whose engine answers from scripts; records the order of calls. */
function fakeClient(script: { estimate?: (f: string) => LoadEstimate; fail?: Record<string, EngineError>; slow?: string }) {
  const calls: string[] = [];
  let release: (() => void) | null = null;
  let rejectSlow: ((e: unknown) => void) | null = null;
  const api = {
    inspect: async (file: File) => {
      calls.push(`inspect ${file.name}`);
      if (script.fail?.[file.name]) throw script.fail[file.name];
      return script.estimate?.(file.name) ?? estimate(file.name);
    },
    cancel: async () => {
      calls.push('cancel');
      rejectSlow?.(new EngineError({ code: 'CANCELLED', message: 'Loading was cancelled.' }));
    }
  };
  const client = {
    call: <T>(fn: (a: typeof api) => Promise<T>) => fn(api),
    load: async (file: File, options: LoadOptions, onProgress?: (p: LoadProgress) => void): Promise<TableInfo> => {
      calls.push(`load ${file.name} ${JSON.stringify(options)}`);
      onProgress?.({ file: file.name, phase: 'reading', bytesRead: 50, bytesTotal: 100, rows: 5 });
      if (file.name === script.slow) {
        await new Promise<void>((resolve, reject) => {
          release = resolve;
          rejectSlow = reject;
        });
      }
      return { name: file.name.replace(/\..*$/, ''), file: file.name, format: 'csv', rows: 10, columns: [], warnings: [], ms: 1 };
    }
  };
  return { client: client as unknown as EngineClient, calls, release: () => release?.() };
}

const file = (name: string) => new File(['a,b\n1,x\n'], name);
const settle = () => new Promise((r) => setTimeout(r, 0));

describe('LoadQueue', () => {
  it('loads files one after another and reports each table', async () => {
    const { client, calls } = fakeClient({});
    const loaded: string[] = [];
    const loads = new LoadQueue(new EngineQueue(client), new Notices(), async ({ info }) => void loaded.push(info.name));
    loads.add([file('a.csv'), file('b.csv')]);
    expect(loads.jobs).toHaveLength(2);
    while (loads.jobs.length) await settle();
    expect(loaded).toEqual(['a', 'b']);
    expect(calls).toEqual(['inspect a.csv', 'load a.csv {}', 'inspect b.csv', 'load b.csv {}']);
  });

  it('names the file in an error notice and goes on with the next file', async () => {
    const bad = new EngineError({ code: 'FILE_EMPTY', message: 'The file is empty (0 bytes).', file: 'bad.csv' });
    const { client } = fakeClient({ fail: { 'bad.csv': bad } });
    const notices = new Notices();
    const loaded: string[] = [];
    const loads = new LoadQueue(new EngineQueue(client), notices, async ({ info }) => void loaded.push(info.name));
    loads.add([file('bad.csv'), file('good.csv')]);
    while (loads.jobs.length) await settle();
    expect(loaded).toEqual(['good']);
    expect(notices.items).toEqual([
      expect.objectContaining({ kind: 'error', file: 'bad.csv', message: 'Could not load bad.csv: The file is empty (0 bytes).' })
    ]);
  });

  it('asks through the dialog when a file does not fit and passes the choice on', async () => {
    const { client, calls } = fakeClient({ estimate: (f) => estimate(f, { fits: false, rows: 1000 }) });
    const loads = new LoadQueue(new EngineQueue(client), new Notices(), async () => undefined);
    loads.add([file('big.csv')]);
    while (!loads.dialog) await settle();
    expect(loads.dialog.tooLarge).toBe(true);
    expect(loads.dialog.needsSheet).toBe(false);
    loads.dialog.resolve({ columns: ['a'], sampleRows: 100.7 });
    while (loads.jobs.length) await settle();
    expect(calls).toContain('load big.csv {"columns":["a"],"sampleRows":100}');
  });

  it('asks for the sheet of a workbook with two sheets and skips the file when the dialog is dismissed', async () => {
    const { client, calls } = fakeClient({ estimate: (f) => estimate(f, { format: 'xlsx', sheets: ['Kunden', 'Umsatz'] }) });
    const notices = new Notices();
    const loads = new LoadQueue(new EngineQueue(client), notices, async () => undefined);
    loads.add([file('book.xlsx')]);
    while (!loads.dialog) await settle();
    expect(loads.dialog.needsSheet).toBe(true);
    loads.dialog.resolve(null);
    while (loads.jobs.length) await settle();
    expect(calls).toEqual(['inspect book.xlsx']);
    expect(notices.items[0]).toMatchObject({ kind: 'info', file: 'book.xlsx' });
  });

  it('cancels a running load through the engine and drops a waiting one without calling it', async () => {
    const { client, calls } = fakeClient({ slow: 'slow.csv' });
    const notices = new Notices();
    const loads = new LoadQueue(new EngineQueue(client), notices, async () => undefined);
    loads.add([file('slow.csv'), file('next.csv')]);
    while (loads.jobs[0]?.phase !== 'loading') await settle();
    expect(loads.jobs[0].progress).toMatchObject({ bytesRead: 50, rows: 5 });
    await loads.cancel(loads.jobs[1].id);
    expect(loads.jobs.map((j) => j.file.name)).toEqual(['slow.csv']);
    await loads.cancel(loads.jobs[0].id);
    while (loads.jobs.length) await settle();
    expect(calls).toEqual(['inspect slow.csv', 'load slow.csv {}', 'cancel']);
    expect(notices.items.map((n) => [n.file, n.message])).toEqual([
      ['slow.csv', 'Loading slow.csv was cancelled.'],
      ['next.csv', 'Loading next.csv was cancelled.']
    ]);
  });
});
