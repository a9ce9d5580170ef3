import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Engine } from '../../src/lib/engine/engine';
import { runNotebook, type NotebookRun } from '../../src/lib/engine/run-notebook';
import { segmentReports } from '../../src/lib/engine/segment-reports';
import { cellDependencies } from '../../src/lib/notebook/graph';
import { NOTEBOOK_FORMAT, NOTEBOOK_VERSION, segmentNames, type LeadsCell, type Notebook } from '../../src/lib/notebook/model';
import { serializeNotebook } from '../../src/lib/notebook/serialize';
import { parseNotebook } from '../../src/lib/notebook/validate';
import { openTestEngine } from './helpers/db';

const leads: LeadsCell = {
  id: 'leads',
  kind: 'leads',
  name: 'lead_tiers',
  table: 'leads',
  key: 'id',
  fit: { kind: 'column', table: 'similar', column: 'score' },
  fitCuts: { by: 'score', first: 0.5, second: 0.2 },
  engagement: {
    kind: 'points',
    rules: [
      {
        label: 'Demo',
        points: 25,
        rule: {
          type: 'group',
          op: 'and',
          rules: [
            {
              type: 'behaviour',
              table: 'events',
              key: 'lead',
              measure: 'exists',
              dateColumn: 'day',
              window: { kind: 'last_days', days: 30 },
              where: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'kind', op: 'eq', value: 'demo' }] }
            }
          ]
        }
      },
      { label: 'Große Firma', points: -2.5, rule: { type: 'group', op: 'and', rules: [{ type: 'condition', column: 'size', op: 'gt', value: 100 }] } }
    ]
  },
  engagementCuts: { by: 'share', first: 0.5, second: 0.25 },
  grid: { A1: { name: 'A1 · anrufen', action: 'call' }, C3: { action: 'ignore' } },
  kpis: [{ label: 'Größe', kind: 'mean', column: 'size' }]
};

/** a: score 0.9, demo, size 50 → A, 25; b: 0.3, demo long ago → B, 0; c: no score, size 500 → C, −2.5; d: 0.5, demo → A, 25 (the 50 % of tier 1 holds both leads at 25). */
const notebook: Notebook = {
  format: NOTEBOOK_FORMAT,
  version: NOTEBOOK_VERSION,
  title: 'Leads',
  settings: { referenceDate: '2025-06-30', locale: 'de' },
  sources: [],
  cells: [
    { id: 'l', kind: 'sql', name: 'leads', sql: "SELECT * FROM (VALUES ('a', 50), ('b', 20), ('c', 500), ('d', 80)) t(id, size)" },
    { id: 'e', kind: 'sql', name: 'events', sql: "SELECT * FROM (VALUES ('a', DATE '2025-06-20', 'demo'), ('b', DATE '2025-01-20', 'demo'), ('d', DATE '2025-06-01', 'demo')) t(lead, day, kind)" },
    { id: 's', kind: 'sql', name: 'similar', sql: "SELECT * FROM (VALUES ('a', 0.9), ('b', 0.3), ('d', 0.5)) t(id, score)" },
    leads
  ]
};

describe('leads cell', () => {
  let engine: Engine;
  let run: NotebookRun;
  beforeAll(async () => {
    engine = await openTestEngine();
    run = await runNotebook(engine, notebook, { openSource: () => Promise.reject(new Error('no sources')) });
  });

  it('runs in the notebook after the tables it reads: leads, activities and the fit cell', () => {
    expect(run.cells.map((c) => `${c.id}:${c.status}${c.error ? ` ${c.error}` : ''}`)).toEqual(['l:ok', 'e:ok', 's:ok', 'leads:ok']);
    expect(cellDependencies(notebook, () => []).get('leads')).toEqual({ sources: [], cells: ['l', 's', 'e'] });
  });

  it('writes the grid cell, both scores and tiers, names and actions', async () => {
    const rows = await engine.db.rows('SELECT * FROM lead_tiers');
    expect(rows).toEqual([
      { id: 'a', segment: 'A1 · anrufen', tags: 'call', fit: 0.9, fit_tier: 'A', engagement: 25, engagement_tier: 1, size: 50 },
      { id: 'd', segment: 'A1 · anrufen', tags: 'call', fit: 0.5, fit_tier: 'A', engagement: 25, engagement_tier: 1, size: 80 },
      { id: 'b', segment: 'B2', tags: '', fit: 0.3, fit_tier: 'B', engagement: 0, engagement_tier: 2, size: 20 },
      { id: 'c', segment: 'C3', tags: 'ignore', fit: null, fit_tier: 'C', engagement: -2.5, engagement_tier: 3, size: 500 }
    ]);
  });

  it('gets the segment reports of a segmentation, all nine grid cells in order', async () => {
    const [profile] = await segmentReports(engine, leads, 'lead_tiers');
    const segments = profile.text.trim().split('\n').slice(1).map((line) => line.split(',')[0]);
    expect(segments).toEqual([...segmentNames(leads), '']);
    expect(segmentNames(leads)).toEqual(['A1 · anrufen', 'A2', 'A3', 'B1', 'B2', 'B3', 'C1', 'C2', 'C3']);
  });

  it('round-trips through the notebook format; validator and JSON Schema reject the same bad cells', () => {
    const schema = JSON.parse(readFileSync(path.resolve(__dirname, '../../static/notebook.schema.json'), 'utf8'));
    const validateSchema = new Ajv2020({ allErrors: true }).compile(schema);
    const text = serializeNotebook(notebook);
    const back = parseNotebook(text);
    expect(back.ok && back.notebook.cells[3]).toEqual(leads);
    expect(back.ok && serializeNotebook(back.notebook)).toBe(text);
    expect(validateSchema(JSON.parse(text)), JSON.stringify(validateSchema.errors?.slice(0, 2))).toBe(true);
    const variants = [
      text.replace('"by": "share"', '"by": "percent"'),
      text.replace('"kind": "column"', '"kind": "model"'),
      text.replace('"second": 0.25', '"second": -0.25'),
      text.replace('"points": 25', '"points": "25"'),
      text.replace('"C3": {', '"D4": {'),
      text.replace('"action": "call"', '"action": "call", "colour": "red"'),
      text.replace('"label": "Demo",', '')
    ];
    for (const variant of variants) {
      expect(variant, 'the variant changes the text').not.toBe(text);
      expect(parseNotebook(variant).ok, variant).toBe(false);
      expect(validateSchema(JSON.parse(variant)), variant).toBe(false);
    }
  });
});
