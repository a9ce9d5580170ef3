import 'fake-indexeddb/auto';
import { openDB } from 'idb';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Notebook } from '../../src/lib/notebook/model';
import { Autosaver, DB_NAME, DB_VERSION, openDraftStore, type Draft, type DraftStore, type SaveStatus } from '../../src/lib/ui/persist/draft-store';
import { forgetEverything } from '../../src/lib/ui/persist/forget';

const notebook: Notebook = {
  format: 'seglab-notebook',
  version: 1,
  title: 'Kunden 2025 – Umsatz ä ö ü',
  settings: { locale: 'de', referenceDate: '2025-12-31' },
  sources: [
    { name: 'kunden', path: 'data/kunden.csv', format: 'csv', options: { csv: { delimiter: ';', numberLocale: 'de', dateFormat: '%d.%m.%Y' } } },
    { name: 'Bestellungen "2025"', path: 'orders.parquet' }
  ],
  cells: [
    { id: 'm1', kind: 'markdown', text: '# Umsatz\n\n1.234,56 €' },
    { id: 'c1', kind: 'sql', name: 'revenue', sql: 'SELECT 1 AS x', collapsed: true },
    { id: 'ch1', kind: 'chart', from: 'c1', chart: { mark: 'histogram', x: 'x', bins: 20 }, spec: { mark: 'bar', encoding: { x: { field: 'x' } } } }
  ]
};

function draft(title = notebook.title): Draft {
  return {
    notebook: { ...notebook, title },
    keepData: true,
    savedAt: '2025-12-31T23:59:00.000Z',
    files: [
      { source: 'kunden', fileName: 'kunden.csv', size: 1234, lastModified: 1735689600000, stored: true, format: 'csv', options: { csv: { delimiter: ';' } } },
      { source: 'Bestellungen "2025"', fileName: 'orders.parquet', size: 99, lastModified: 1, stored: false }
    ]
  };
}

/** A store that records writes and can be made to fail or to take time. */
class FakeStore implements DraftStore {
  saved: Draft[] = [];
  inFlight = 0;
  maxInFlight = 0;
  fail: Error | null = null;
  delayMs = 0;
  async load() {
    return this.saved.at(-1) ?? null;
  }
  async save(d: Draft) {
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.delayMs) await new Promise((r) => setTimeout(r, this.delayMs));
      if (this.fail) throw this.fail;
      this.saved.push(d);
    } finally {
      this.inFlight--;
    }
  }
  async clear() {
    this.saved = [];
  }
  close() {}
}

describe('openDraftStore', () => {
  afterEach(async () => {
    await forgetEverything();
  });

  it('round trips a draft with every cell kind', async () => {
    const store = await openDraftStore();
    expect(await store.load()).toBeNull();
    await store.save(draft());
    const again = await openDraftStore();
    expect(await again.load()).toEqual(draft());
    store.close();
    again.close();
  });

  it('replaces the draft on each save and deletes it on clear', async () => {
    const store = await openDraftStore();
    await store.save(draft('first'));
    await store.save(draft('second'));
    expect((await store.load())?.notebook.title).toBe('second');
    await store.clear();
    expect(await store.load()).toBeNull();
    store.close();
  });

  it('stores plain copies, not the caller’s objects', async () => {
    const store = await openDraftStore();
    const d = draft();
    await store.save(d);
    d.notebook.title = 'changed afterwards';
    expect((await store.load())?.notebook.title).toBe(notebook.title);
    store.close();
  });

  it('rejects a stored value that is not a draft', async () => {
    const store = await openDraftStore();
    store.close();
    const db = await openDB(DB_NAME, DB_VERSION);
    await db.put('drafts', { notebook: { title: 'x' } }, 'current');
    db.close();
    await expect(store.load()).rejects.toThrow('could not be read');
    store.close();
  });
});

describe('forgetEverything', () => {
  it('deletes the database while a store is open, and the store works again afterwards', async () => {
    const store = await openDraftStore();
    await store.save(draft());
    await forgetEverything();
    expect(await store.load()).toBeNull();
    store.close();
  });

  it('succeeds when nothing was ever stored', async () => {
    await forgetEverything();
    await expect(forgetEverything()).resolves.toBeUndefined();
  });
});

describe('Autosaver', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('coalesces 10 rapid edits into 1 write of the latest', async () => {
    const store = new FakeStore();
    const saver = new Autosaver(store, 300);
    for (let i = 0; i < 10; i++) {
      saver.schedule(() => draft(`edit ${i}`));
      await vi.advanceTimersByTimeAsync(50);
    }
    expect(store.saved).toHaveLength(0);
    expect(saver.status).toBe('saving');
    await vi.advanceTimersByTimeAsync(300);
    expect(store.saved.map((d) => d.notebook.title)).toEqual(['edit 9']);
    expect(saver.status).toBe('saved');
    saver.destroy();
  });

  it('flush writes the latest draft at once', async () => {
    const store = new FakeStore();
    const saver = new Autosaver(store, 10_000);
    saver.schedule(() => draft('a'));
    saver.schedule(() => draft('b'));
    await saver.flush();
    expect(store.saved.map((d) => d.notebook.title)).toEqual(['b']);
    await vi.advanceTimersByTimeAsync(20_000);
    expect(store.saved).toHaveLength(1);
    saver.destroy();
  });

  it('never runs two writes at once and writes the edit made during a write afterwards', async () => {
    const store = new FakeStore();
    store.delayMs = 500;
    const saver = new Autosaver(store, 100);
    saver.schedule(() => draft('one'));
    await vi.advanceTimersByTimeAsync(150);
    expect(store.inFlight).toBe(1);
    saver.schedule(() => draft('two'));
    await vi.advanceTimersByTimeAsync(150);
    saver.schedule(() => draft('three'));
    await vi.advanceTimersByTimeAsync(2000);
    expect(store.maxInFlight).toBe(1);
    expect(store.saved.map((d) => d.notebook.title)).toEqual(['one', 'three']);
    expect(saver.status).toBe('saved');
    saver.destroy();
  });

  it('reports a failing store as error without throwing, and recovers on the next write', async () => {
    const store = new FakeStore();
    store.fail = new DOMException('The quota has been exceeded.', 'QuotaExceededError');
    const saver = new Autosaver(store, 10);
    const seen: [SaveStatus, unknown][] = [];
    saver.onStatus = (status, error) => seen.push([status, error]);
    saver.schedule(() => draft('x'));
    await vi.advanceTimersByTimeAsync(20);
    await expect(saver.flush()).resolves.toBeUndefined();
    expect(saver.status).toBe('error');
    expect((saver.error as DOMException).name).toBe('QuotaExceededError');
    expect(seen.map(([s]) => s)).toEqual(['saving', 'error']);
    store.fail = null;
    saver.schedule(() => draft('y'));
    await saver.flush();
    expect(saver.status).toBe('saved');
    expect(saver.error).toBeNull();
    expect(seen.map(([s]) => s)).toEqual(['saving', 'error', 'saving', 'saved']);
    saver.destroy();
  });

  it('reports a draft builder that throws as error', async () => {
    const saver = new Autosaver(new FakeStore(), 10);
    saver.schedule(() => {
      throw new Error('proxy could not be cloned');
    });
    await saver.flush();
    expect(saver.status).toBe('error');
    saver.destroy();
  });

  it('flushes when the page is hidden or left, and not after destroy', async () => {
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    const win = new EventTarget();
    vi.stubGlobal('document', doc);
    vi.stubGlobal('addEventListener', win.addEventListener.bind(win));
    vi.stubGlobal('removeEventListener', win.removeEventListener.bind(win));
    try {
      const store = new FakeStore();
      const saver = new Autosaver(store, 60_000);
      saver.schedule(() => draft('hidden'));
      doc.visibilityState = 'hidden';
      doc.dispatchEvent(new Event('visibilitychange'));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.saved.map((d) => d.notebook.title)).toEqual(['hidden']);
      saver.schedule(() => draft('left'));
      win.dispatchEvent(new Event('pagehide'));
      await vi.advanceTimersByTimeAsync(0);
      expect(store.saved.map((d) => d.notebook.title)).toEqual(['hidden', 'left']);
      saver.schedule(() => draft('dropped'));
      saver.destroy();
      win.dispatchEvent(new Event('pagehide'));
      await vi.advanceTimersByTimeAsync(120_000);
      expect(store.saved).toHaveLength(2);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('writes through to IndexedDB', async () => {
    vi.useRealTimers();
    const store = await openDraftStore();
    const saver = new Autosaver(store, 5);
    saver.schedule(() => draft('persisted'));
    await saver.flush();
    expect((await (await openDraftStore()).load())?.notebook.title).toBe('persisted');
    saver.destroy();
    store.close();
    await forgetEverything();
  });
});
