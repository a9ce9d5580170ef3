import { LEAD_GRID, type Cell, type LeadScore, type Notebook, type Rule, type SegmentationReport, type Source, type SourceOptions } from './model';

/**
 * Writes a notebook as canonical JSON: fixed key order, two-space indent, absent optional fields
 * left out, a final newline. `parseNotebook(serializeNotebook(nb))` gives `nb` back, and a
 * canonical file is written back byte for byte, so saved notebooks diff well.
 * @param notebook a valid notebook
 */
export function serializeNotebook(notebook: Notebook): string {
  const doc: Record<string, unknown> = {
    format: notebook.format,
    version: notebook.version,
    title: notebook.title
  };
  if (notebook.settings && Object.keys(notebook.settings).length) {
    doc.settings = pick(notebook.settings, ['locale', 'referenceDate']);
    if (notebook.settings.guards) (doc.settings as Record<string, unknown>).guards = pick(notebook.settings.guards, ['minSize', 'minShare', 'maxCiMargin', 'minExportSize']);
    Object.assign(doc.settings as Record<string, unknown>, pick(notebook.settings, ['pseudonymSalt']));
  }
  doc.sources = notebook.sources.map(source);
  doc.cells = notebook.cells.map(cell);
  return `${JSON.stringify(doc, null, 2)}\n`;
}

function source(s: Source): Record<string, unknown> {
  const out = pick(s, ['name', 'path', 'format']);
  if (s.options) out.options = options(s.options);
  if (s.personal && Object.keys(s.personal).length) out.personal = { ...s.personal };
  if (s.columns) out.columns = [...s.columns];
  return out;
}

function options(o: SourceOptions): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (o.csv) {
    const csv = pick(o.csv, ['delimiter', 'quote', 'header', 'encoding', 'numberLocale', 'dateFormat']);
    if (o.csv.columnTypes) csv.columnTypes = { ...o.csv.columnTypes };
    out.csv = csv;
  }
  Object.assign(out, pick(o, ['sheet', 'columns', 'sampleRows']));
  return out;
}

function cell(c: Cell): Record<string, unknown> {
  switch (c.kind) {
    case 'sql':
      return pick(c, ['id', 'kind', 'name', 'collapsed', 'sql']);
    case 'markdown':
      return pick(c, ['id', 'kind', 'collapsed', 'text']);
    case 'chart': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'from']);
      out.chart = pick(c.chart, ['mark', 'x', 'y', 'color', 'aggregate', 'bins']);
      if (c.spec) out.spec = c.spec;
      return out;
    }
    case 'segment': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'exclusive', 'rest']);
      out.segments = c.segments.map((d) => {
        const def = pick(d, ['name', 'tags', 'where']);
        if (d.rule) def.rule = rule(d.rule);
        return def;
      });
      return Object.assign(out, report(c));
    }
    case 'cluster': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key']);
      out.features = c.features.map((f) => pick(f, ['column', 'prep', 'weight', 'top', 'impute']));
      return Object.assign(out, pick(c, ['k', 'algorithm', 'restarts', 'seed', 'names']), report(c));
    }
    case 'rfm': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', ...TRANSACTION_FIELDS, 'monetary']);
      if (c.breakpoints) out.breakpoints = pick(c.breakpoints, ['recency', 'frequency', 'monetary']);
      out.segments = c.segments.map((s) => pick(s, ['name', 'r', 'f']));
      return Object.assign(out, report(c));
    }
    case 'clv':
      return pick(c, ['id', 'kind', 'name', 'collapsed', ...TRANSACTION_FIELDS, 'valueBy', 'calibrationEnd', 'holdoutEnd', 'unit', 'horizon', 'period', 'discountRate']);
    case 'tiers': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'value', 'cost', 'profitableAbove']);
      if (c.potential) out.potential = pick(c.potential, ['column', 'above']);
      return Object.assign(out, pick(c, ['subdivide']), report(c));
    }
    case 'cohort':
      return pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'date', 'amount']);
    case 'abtest': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key', 'arm', 'control', 'outcome', 'metric', 'positive']);
      if (c.by) out.by = pick(c.by as Record<string, unknown>, ['kind', 'column', 'from']);
      return out;
    }
    case 'kpis': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key']);
      if (c.by) out.by = pick(c.by as Record<string, unknown>, ['kind', 'column', 'from']);
      out.events = pick(c.events, ['table', 'key', 'date', 'amount']);
      if (c.events.conversion) (out.events as Record<string, unknown>).conversion = pick(c.events.conversion, ['column', 'value']);
      return Object.assign(out, pick(c, ['period', 'periods']));
    }
    case 'lookalike': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key']);
      if (c.seeds) {
        const s = c.seeds;
        out.seeds = s.kind === 'rule' ? { kind: 'rule', rule: rule(s.rule) } : s.kind === 'keys' ? pick(s, ['kind', 'keys']) : pick(s, ['kind', 'from', 'segments']);
      }
      if (c.label) out.label = pick(c.label, ['column', 'positive']);
      if (c.evaluate) out.evaluate = pick(c.evaluate, ['column', 'positive']);
      Object.assign(out, pick(c, ['excludeSeeds']));
      if (c.exclude) out.exclude = pick(c.exclude, ['table', 'key']);
      out.features = c.features.map((f) => pick(f, ['column', 'prep', 'weight', 'top', 'impute']));
      Object.assign(out, pick(c, ['method', 'metric', 'neighbours', 'l2', 'holdout', 'seed']));
      out.cut = pick(c.cut as Record<string, unknown>, ['kind', 'n', 'pct', 'min', 'high', 'medium', 'name']);
      return Object.assign(out, report(c));
    }
    case 'leads': {
      const out = pick(c, ['id', 'kind', 'name', 'collapsed', 'table', 'key']);
      out.fit = leadScore(c.fit);
      if (c.fitCuts) out.fitCuts = pick(c.fitCuts, ['by', 'first', 'second']);
      out.engagement = leadScore(c.engagement);
      if (c.engagementCuts) out.engagementCuts = pick(c.engagementCuts, ['by', 'first', 'second']);
      if (c.grid) out.grid = Object.fromEntries(LEAD_GRID.filter((code) => c.grid?.[code]).map((code) => [code, pick(c.grid![code], ['name', 'action'])]));
      return Object.assign(out, report(c));
    }
  }
}

const TRANSACTION_FIELDS = ['table', 'key', 'date', 'amount', 'orderId', 'margin'] as const;

function report(c: SegmentationReport): Record<string, unknown> {
  const kpis = c.kpis ? { kpis: c.kpis.map((k) => pick(k, ['label', 'kind', 'column', 'denominator'])) } : {};
  return { ...kpis, ...pick(c, ['profileColumns', 'compareWith']) };
}

function leadScore(s: LeadScore): Record<string, unknown> {
  if (s.kind === 'column') return pick(s, ['kind', 'column', 'table', 'key']);
  return { kind: s.kind, rules: s.rules.map((r) => ({ label: r.label, points: r.points, rule: rule(r.rule) })) };
}

function rule(r: Rule): Record<string, unknown> {
  switch (r.type) {
    case 'group':
      return { ...pick(r, ['type', 'op', 'not']), rules: r.rules.map(rule) };
    case 'condition':
      return pick(r, ['type', 'column', 'op', 'value', 'values']);
    case 'behaviour': {
      const out = pick(r, ['type', 'table', 'key', 'measure', 'column', 'dateColumn', 'window']);
      if (r.where) out.where = rule(r.where);
      return Object.assign(out, pick(r, ['op', 'value', 'values']));
    }
  }
}

function pick<T extends object, K extends keyof T>(value: T, keys: readonly K[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of keys) if (value[k] !== undefined) out[k as string] = value[k];
  return out;
}
