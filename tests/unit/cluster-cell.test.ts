import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitKmeans } from '../../src/lib/analysis/kmeans';
import { clusterDetails, clusterKSelection } from '../../src/lib/engine/cluster';
import { runNotebook } from '../../src/lib/engine/run-notebook';
import { segmentReports } from '../../src/lib/engine/segment-reports';
import { nodeFileSource } from '../../src/lib/engine/source-node';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, type ClusterCell, type Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { parseNotebook } from '../../src/lib/notebook/validate';
import { dataset } from './helpers/datasets';
import { openTestEngine } from './helpers/db';

const SPEND = ['Fresh', 'Milk', 'Grocery', 'Frozen', 'Detergents_Paper', 'Delicatessen'];

const cell: ClusterCell = {
  id: 'cl',
  kind: 'cluster',
  name: 'cluster',
  table: 'kunden',
  key: 'id',
  features: SPEND.map((column) => ({ column, prep: 'log1p_z' as const })),
  k: 3,
  restarts: 10,
  seed: 0,
  names: ['Gastro', 'Handel'],
  kpis: [{ label: 'Ø Fresh', kind: 'mean', column: 'Fresh' }],
  profileColumns: ['Region']
};

const notebook: Notebook = {
  format: NOTEBOOK_FORMAT,
  version: NOTEBOOK_VERSION,
  title: 'Wholesale clusters',
  sources: [{ name: 'wholesale', path: dataset('wholesale/customers.csv') }],
  cells: [
    { id: 'kunden', kind: 'sql', name: 'kunden', sql: 'SELECT row_number() OVER () AS id, * FROM wholesale' },
    cell,
    { id: 'sizes', kind: 'sql', sql: 'SELECT segment, count(*) AS n FROM cluster GROUP BY ALL ORDER BY segment' }
  ]
};

describe('cluster cell', () => {
  it('round-trips through the notebook format; validator and JSON Schema reject the same bad cells', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
    const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
    const text = serializeNotebook(notebook);
    const back = parseNotebook(text);
    expect(back.ok && serializeNotebook(back.notebook)).toBe(text);
    expect(validateSchema(JSON.parse(text))).toBe(true);
    const variants = [
      text.replace('"log1p_z"', '"cube"'),
      text.replace('"k": 3', '"k": 0'),
      text.replace('"restarts": 10', '"restarts": 1.5'),
      text.replace('"prep": "log1p_z"', '"prep": "log1p_z", "weight": 0'),
      text.replace('"seed": 0', '"seed": 0, "colour": "red"'),
      text.replace('"kind": "mean"', '"kind": "median"')
    ];
    for (const variant of variants) {
      expect(parseNotebook(variant).ok, variant).toBe(false);
      expect(validateSchema(JSON.parse(variant)), variant).toBe(false);
    }
    expect(back.ok && back.notebook.cells[1]).toMatchObject({ kpis: cell.kpis, profileColumns: ['Region'] });
    const bad = parseNotebook(variants[0].replace('"k": 3', '"k": 0'));
    expect(bad.ok ? [] : bad.issues.map((i) => i.path)).toEqual(['cells[1].features[0].prep', 'cells[1].k']);
  });

  it('labels every entity, names the clusters and matches the kernel run on the same prepared data', async () => {
    const engine = await openTestEngine();
    const run = await runNotebook(engine, notebook, { openSource: (s) => nodeFileSource(s.path) });
    expect(run.cells.map((c) => `${c.id}:${c.status}${c.error ? ` ${c.error}` : ''}`)).toEqual(['kunden:ok', 'cl:ok', 'sizes:ok']);
    const rows = await engine.db.rows<{ id: number; segment: string; cluster: number; Fresh: number }>('SELECT id::INT AS id, segment, cluster, "Fresh" FROM cluster');
    expect(rows).toHaveLength(440);
    expect(new Set(rows.map((r) => r.segment))).toEqual(new Set(['Gastro', 'Handel', 'Cluster 3']));
    expect(rows.every((r) => r.segment === ['Gastro', 'Handel', 'Cluster 3'][r.cluster - 1])).toBe(true);

    // The same fit by hand: log1p, population z-score, k-means with the same seed and restarts.
    const raw = await engine.db.rows<Record<string, number>>(`SELECT id::INT AS id, ${SPEND.map((c) => `"${c}"::DOUBLE AS "${c}"`).join(', ')} FROM kunden ORDER BY id`);
    const d = SPEND.length;
    const data = new Float64Array(raw.length * d);
    SPEND.forEach((c, j) => {
      const xs = raw.map((r) => Math.log(1 + r[c]));
      const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
      const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
      xs.forEach((x, i) => (data[i * d + j] = (x - mean) / sd));
    });
    const fit = fitKmeans(data, raw.length, d, 3, { restarts: 10, seed: 0 });
    const byId = new Map(rows.map((r) => [r.id, r.cluster]));
    raw.forEach((r, i) => expect(byId.get(r.id)).toBe(fit.labels[i] + 1));

    // The views reuse the run's fit: same inertia, sizes that add up, a map of every row.
    const details = await clusterDetails(engine, cell);
    expect(details.inertia).toBeCloseTo(fit.inertia, 9);
    expect(details.sizes.reduce((a, b) => a + b, 0)).toBe(440);
    expect(details.map?.labels).toHaveLength(440);
    expect(details.centroids).toHaveLength(3 * 6);
    const selection = await clusterKSelection(engine, cell, 2, 6);
    expect(selection.points.map((p) => p.k)).toEqual([2, 3, 4, 5, 6]);
    expect(selection.points.find((p) => p.k === 3)?.inertia).toBeCloseTo(fit.inertia, 6);
    expect(selection.suggestion.k).toBeGreaterThanOrEqual(2);
    // Still usable after the details crossed (their arrays are copies, not the cache's).
    expect((await clusterDetails(engine, cell)).centroids).toEqual(details.centroids);

    // Reported like an exclusive segmentation: clusters 1…k in order, then the base.
    const reports = await segmentReports(engine, cell, 'cluster');
    expect(reports.map((f) => f.name)).toEqual(['cl.profile.csv', 'cl.categories.csv', 'cl.overlap.csv']);
    const profile = reports[0].text.split('\n').slice(1, -1).map((line) => line.split(',').slice(0, 2));
    const sizes = [1, 2, 3].map((c) => rows.filter((r) => r.cluster === c).length);
    expect(profile).toEqual([['Gastro', String(sizes[0])], ['Handel', String(sizes[1])], ['Cluster 3', String(sizes[2])], ['', '440']]);
  });
});
