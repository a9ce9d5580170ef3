import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import { fromCSV } from 'arquero';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main, type RunReport } from '../../src/cli/main';
import type { ClusterCell } from '../../src/lib/notebook/model';
import { readNotebook } from '../../src/lib/notebook/validate';
import { ATTRIBUTION_FILE, EXAMPLES, exampleQuery } from '../../src/lib/ui/gallery/examples';
import { t } from '../../src/lib/ui/strings';

const SAMPLES = path.resolve(__dirname, '../../static/samples');
const TELCO_SHA256 = '16320c9c1ec72448db59aa0a26a0b95401046bef5d02fd3aeb906448e3055e91';
const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
const lookalikeReference: { cases: { mode: string; C: number; auc: number }[] } = JSON.parse(
  readFileSync(path.resolve(__dirname, '../fixtures/reference/lookalike.json'), 'utf8')
);

const text = (name: string) => readFileSync(path.join(SAMPLES, name), 'utf8');

describe('EXAMPLES', () => {
  it('lists every notebook of static/samples exactly once', () => {
    const files = readdirSync(SAMPLES).filter((f) => f.endsWith('.notebook.json'));
    expect(EXAMPLES.map((e) => e.file).sort()).toEqual(files.sort());
    expect(new Set(EXAMPLES.map((e) => e.id)).size).toBe(EXAMPLES.length);
  });

  it.each(EXAMPLES.map((e) => [e.id, e] as const))('%s validates, reads exactly its data files and has its card', (_, example) => {
    const raw = text(example.file);
    expect(validateSchema(JSON.parse(raw)), JSON.stringify(validateSchema.errors)).toBe(true);
    const notebook = readNotebook(raw);
    expect(notebook.sources.map((s) => s.path)).toEqual(example.data);
    for (const data of example.data) expect(existsSync(path.join(SAMPLES, data)), data).toBe(true);
    expect(notebook.settings?.locale).toBe(example.locale);
    const card = t.gallery.examples[example.id];
    expect(card.title.length * card.teaches.length * card.methods.length).toBeGreaterThan(0);
    expect(t.gallery.datasets[example.dataset].licence).not.toBe('');
  });

  it.each(EXAMPLES.map((e) => [e.id, e] as const))('%s explains itself in German and English in at least two Markdown cells', (_, example) => {
    const markdown = readNotebook(text(example.file)).cells.flatMap((c) => (c.kind === 'markdown' ? [c.text] : []));
    expect(markdown.length).toBeGreaterThanOrEqual(2);
    for (const md of markdown) {
      const [de, en] = md.split('\n---\n');
      expect(de, md).toMatch(/^#{1,2} .+ · .+\n\n\*\*Deutsch\.\*\* \S/);
      expect(en, md).toMatch(/^\n\*\*English\.\*\* \S/);
    }
  });

  it('opens an example by a same-origin link', () => {
    expect(EXAMPLES.map(exampleQuery)).toContain('?open=samples/churn.notebook.json');
  });

  it('ships the Telco data unchanged, with its attribution and the Apache-2.0 licence', () => {
    const telco = readFileSync(path.join(SAMPLES, 'Telco-Customer-Churn.csv'));
    expect(createHash('sha256').update(telco).digest('hex')).toBe(TELCO_SHA256);
    const attribution = text(ATTRIBUTION_FILE);
    expect(attribution).toContain('IBM/telco-customer-churn-on-icp4d');
    expect(attribution).toContain(TELCO_SHA256);
    expect(text('LICENSE-Apache-2.0.txt')).toMatch(/^Apache License\nVersion 2\.0, January 2004\n[\s\S]*END OF TERMS AND CONDITIONS\n$/);
  });
});

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'seglab-gallery-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const out = (id: string, engine: string) => path.join(tmp, `${id}-${engine}`);
const csv = (id: string, name: string) => fromCSV(readFileSync(path.join(out(id, 'wasm'), name), 'utf8')).objects() as Record<string, unknown>[];

// The segmentation example runs on both engines in runner.test.ts ("seglab run on the segments sample").
const RUN = EXAMPLES.filter((e) => e.id !== 'segments');

describe.each(RUN.map((e) => [e.id, e] as const))('seglab run on the %s example', (id, example) => {
  // A whole notebook through the CLI in-process: up to a minute on wasm on a busy machine.
  it.each(['wasm', 'native'] as const)('runs every cell ok on %s', async (engine) => {
    let stderr = '';
    const code = await main(['run', path.join(SAMPLES, example.file), '--engine', engine, '--out', out(id, engine)], {
      cwd: tmp,
      stdout: () => undefined,
      stderr: (s) => (stderr += s)
    });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const report: RunReport = JSON.parse(readFileSync(path.join(out(id, engine), 'run.json'), 'utf8'));
    expect(report.cells.filter((c) => c.status !== 'ok')).toEqual([]);
    expect(report.cells.length).toBe(readNotebook(text(example.file)).cells.length);
  }, 240_000);

  it('writes byte-identical CSVs with the wasm and the native engine', () => {
    const files = readdirSync(out(id, 'wasm')).filter((f) => f.endsWith('.csv'));
    expect(files.length).toBeGreaterThan(0);
    expect(readdirSync(out(id, 'native')).filter((f) => f.endsWith('.csv')).sort()).toEqual(files.sort());
    for (const f of files) {
      const [wasm, native] = ['wasm', 'native'].map((e) => readFileSync(path.join(out(id, e), f), 'utf8'));
      expect(native === wasm, f).toBe(true);
    }
  });
});

describe('what the examples explain', () => {
  it('churn: the held-out AUC is within 0.01 of scikit-learn on the same features, split and C', () => {
    const evaluation = readFileSync(path.join(out('churn', 'wasm'), 'risk.evaluation.csv'), 'utf8');
    const auc = Number(evaluation.split('\n').find((l) => l.startsWith('auc,'))!.split(',')[2]);
    const sklearn = lookalikeReference.cases.find((c) => c.mode === 'label' && c.C === 1)!.auc;
    expect(Math.abs(auc - sklearn)).toBeLessThan(0.01);
    const bands = csv('churn', 'at_stake.csv');
    expect(bands.map((r) => r.segment)).toEqual(['High risk', 'Medium risk', 'Low risk']);
    expect(bands.reduce((s, r) => s + Number(r.customers), 0)).toBe(7043 - 1869);
  });

  it('lookalikes: the top 10 % of prospects show more demos and offers per firm than the other prospects', () => {
    const perFirm = Object.fromEntries(csv('lookalikes', 'pruefung.csv').map((r) => [r.segment, Number(r.je_firma)]));
    expect(perFirm.Lookalikes).toBeGreaterThan(1.5 * perFirm.Rest);
  });

  it('survey: each cluster scores highest of all clusters on the needs its name stands for', () => {
    const cell = readNotebook(text('survey.notebook.json')).cells.find((c): c is ClusterCell => c.kind === 'cluster')!;
    const means = csv('survey', 'mittel.csv');
    const leader = (question: string) => means.filter((r) => r.Frage === question).sort((a, b) => Number(b.mittel) - Number(a.mittel))[0].segment;
    const [hurry, green, price, advice] = cell.names!;
    expect(['Schnelle Lieferung wichtig', 'Nachhaltigkeit wichtig', 'Qualität wichtig', 'Preis wichtig', 'Beratung wichtig'].map(leader)).toEqual([hurry, green, green, price, advice]);
  });

  it('leads: the grid holds every lead once, the A tier about a fifth of them', () => {
    const grid = csv('leads', 'herkunft.csv');
    expect(grid).toHaveLength(9);
    const total = grid.reduce((s, r) => s + Number(r.leads), 0);
    const a = grid.filter((r) => r.fit_tier === 'A').reduce((s, r) => s + Number(r.leads), 0);
    expect(total).toBe(2400);
    expect(Math.abs(a / total - 0.2)).toBeLessThan(0.02);
  });
});
