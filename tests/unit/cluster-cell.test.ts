import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitKmeans } from '../../src/lib/analysis/kmeans';
import { fitKmodes, matchingSilhouette } from '../../src/lib/analysis/kmodes';
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

  describe('with k-modes', () => {
    const ANSWERS = ['Preis wichtig', 'Nachhaltigkeit wichtig', 'Schnelle Lieferung wichtig', 'Beratung wichtig', 'Qualität wichtig', 'Familienstand'];
    const survey: ClusterCell = {
      id: 'needs',
      kind: 'cluster',
      name: 'needs',
      table: 'umfrage',
      key: 'Kundennummer',
      features: ANSWERS.map((column) => ({ column, prep: 'z' as const })),
      k: 4,
      algorithm: 'kmodes',
      restarts: 5,
      seed: 3
    };
    const surveyBook: Notebook = {
      format: NOTEBOOK_FORMAT,
      version: NOTEBOOK_VERSION,
      title: 'Needs',
      sources: [{ name: 'umfrage', path: path.resolve(__dirname, '../../static/samples/umfrage.csv') }],
      cells: [survey]
    };

    it('round-trips the algorithm; validator and JSON Schema reject an unknown one', () => {
      const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
      const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
      const text = serializeNotebook(surveyBook);
      expect(text).toContain('"algorithm": "kmodes"');
      const back = parseNotebook(text);
      expect(back.ok && back.notebook.cells[0]).toMatchObject({ algorithm: 'kmodes' });
      expect(back.ok && serializeNotebook(back.notebook)).toBe(text);
      expect(validateSchema(JSON.parse(text))).toBe(true);
      const bad = text.replace('"algorithm": "kmodes"', '"algorithm": "kmedoids"');
      const parsed = parseNotebook(bad);
      expect(parsed.ok ? [] : parsed.issues.map((i) => i.path)).toEqual(['cells[0].algorithm']);
      expect(validateSchema(JSON.parse(bad))).toBe(false);
    });

    it('labels every respondent as fitKmodes does on the values coded by hand (text order, NULL last)', async () => {
      const engine = await openTestEngine();
      const run = await runNotebook(engine, surveyBook, { openSource: (s) => nodeFileSource(s.path) });
      expect(run.cells.map((c) => `${c.id}:${c.status}${c.error ? ` ${c.error}` : ''}`)).toEqual(['needs:ok']);
      const select = ANSWERS.map((c) => `CAST("${c}" AS VARCHAR) AS "${c}"`).join(', ');
      const raw = await engine.db.rows<Record<string, string | null>>(`SELECT "Kundennummer", ${select} FROM umfrage ORDER BY "Kundennummer"`);
      expect(raw).toHaveLength(800);
      const d = ANSWERS.length;
      const levels = ANSWERS.map((c) => {
        const values = [...new Set(raw.map((r) => r[c]))];
        const text = (values.filter((v) => v !== null) as string[]).sort();
        return values.includes(null) ? [...text, null] : text;
      });
      expect(levels[5]).toContain(null);
      const codes = new Int32Array(raw.length * d);
      raw.forEach((r, i) => ANSWERS.forEach((c, j) => (codes[i * d + j] = levels[j].indexOf(r[c]))));
      const fit = fitKmodes(codes, raw.length, d, 4, { restarts: 5, seed: 3 });

      const rows = await engine.db.rows<{ Kundennummer: string; cluster: number; segment: string }>('SELECT "Kundennummer", cluster, segment FROM needs');
      const byKey = new Map(rows.map((r) => [r.Kundennummer, r.cluster]));
      expect(byKey.size).toBe(800);
      raw.forEach((r, i) => expect(byKey.get(r.Kundennummer as string)).toBe(fit.labels[i] + 1));

      const details = await clusterDetails(engine, survey);
      expect(details).toMatchObject({ algorithm: 'kmodes', k: 4, inertia: fit.cost, map: null, dims: [] });
      expect(details.silhouette).toBeCloseTo(matchingSilhouette(codes, raw.length, d, fit.labels, 4), 12);
      expect(details.sizes).toEqual([0, 1, 2, 3].map((c) => fit.labels.filter((l) => l === c).length));
      const modes = details.modes;
      expect(modes?.features).toEqual(ANSWERS);
      modes?.byCluster.forEach((byFeature, c) =>
        byFeature.forEach((m, j) => {
          const code = fit.modes[c * d + j];
          expect(m.value).toBe(levels[j][code]);
          const members = raw.filter((_, i) => fit.labels[i] === c);
          expect(m.share).toBeCloseTo(members.filter((r) => r[ANSWERS[j]] === m.value).length / members.length, 12);
          expect(m.baseShare).toBeCloseTo(raw.filter((r) => r[ANSWERS[j]] === m.value).length / raw.length, 12);
        })
      );
      expect(details.missing.find((m) => m.column === 'Familienstand')?.count).toBe(raw.filter((r) => r.Familienstand === null).length);

      const selection = await clusterKSelection(engine, survey, 2, 5);
      expect(selection.points.find((p) => p.k === 4)?.inertia).toBe(fit.cost);
      expect(selection.why).toMatch(/cost curve|silhouette/);
    });
  });
});
