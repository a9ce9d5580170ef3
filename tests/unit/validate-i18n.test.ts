import { afterEach, describe, expect, it } from 'vitest';
import { formatIssue, validateNotebook, type NotebookIssue } from '../../src/lib/notebook/validate';
import { readShareFragment, shareFragment } from '../../src/lib/notebook/share';
import { describeError } from '../../src/lib/ui/describe-error';
import { issueText, language } from '../../src/lib/ui/language.svelte';

function issues(value: unknown): NotebookIssue[] {
  const result = validateNotebook(value);
  return result.ok ? [] : result.issues;
}

function withCells(cells: unknown[], extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { format: 'seglab-notebook', version: 1, title: 't', sources: [], cells, ...extra };
}

describe('notebook issues in the UI language', () => {
  afterEach(() => language.set('en'));

  it('a notebook of a newer format version is said in German, and in English after switching back', () => {
    const found = issues(withCells([], { version: 2 }));
    expect(found).toHaveLength(1);
    expect(found[0].note).toMatchObject({ key: 'nbVersionTooNew', values: { version: 2, max: 1 } });
    language.set('de');
    expect(issueText(found[0])).toBe(
      'version: Dieses Notebook hat die Formatversion 2; dieses seglab liest bis Version 1. Aktualisieren Sie seglab, um es zu öffnen.'
    );
    language.set('en');
    expect(issueText(found[0])).toBe('version: this notebook is format version 2; this seglab reads up to version 1. Update seglab to open it.');
    expect(issueText(found[0])).toBe(formatIssue(found[0]));
  });

  it('a field of the wrong type names its path and what was found, in either language', () => {
    const found = issues(withCells([{ id: 'a', kind: 'sql', sql: 3 }, { id: 'b', kind: 'markdown', text: ['x'] }]));
    expect(found.map(formatIssue)).toEqual(['cells[0].sql: expected a string, got number 3', 'cells[1].text: expected a string, got an array']);
    language.set('de');
    expect(found.map(issueText)).toEqual(['cells[0].sql: Text erwartet, gefunden: die Zahl 3', 'cells[1].text: Text erwartet, gefunden: eine Liste']);
    language.set('en');
    expect(found.map(issueText)).toEqual(found.map(formatIssue));
  });

  it('lists the allowed values as JSON writes them and bounds without thousands separators', () => {
    const found = issues(
      withCells([
        { id: 'ch', kind: 'chart', from: 'q', chart: { mark: 'pie', bins: 5000 } },
        { id: 'q', kind: 'sql', sql: '' }
      ])
    );
    expect(found.map(formatIssue)).toEqual([
      'cells[0].chart.mark: expected one of "bar", "line", "area", "scatter", "histogram", "boxplot", "heatmap"',
      'cells[0].chart.bins: expected a whole number from 1 to 1000',
      'cells[0].from: expected the id of a SQL or chart cell above this one, got "q"'
    ]);
    language.set('de');
    expect(found.map(issueText)).toEqual([
      'cells[0].chart.mark: einer dieser Werte erwartet: "bar", "line", "area", "scatter", "histogram", "boxplot", "heatmap"',
      'cells[0].chart.bins: ganze Zahl von 1 bis 1000 erwartet',
      'cells[0].from: ID einer SQL- oder Diagrammzelle über dieser erwartet, gefunden: „q“'
    ]);
  });

  it('says every problem of a badly damaged notebook in German, placeholders filled', () => {
    const doc = withCells(
      [
        { id: 'j1', kind: 'journey' },
        { id: 'c 1', kind: 'sql', sql: '', colapsed: true },
        { id: 'seg', kind: 'segment', table: 't', key: 'k', exclusive: 'yes', segments: [{ name: 'x' }] },
        { id: 'r', kind: 'rfm', table: 't', key: 'k', date: 'd', amount: 'a', segments: [], breakpoints: { recency: [3, 2, 1, 0], frequency: [1, 2, 3, 4], monetary: [1, 2, 3, 4] } },
        { id: 'v', kind: 'clv', table: 't', key: 'k', date: 'd', amount: 'a', valueBy: 'margin', calibrationEnd: '2025-02-30', horizon: 0, discountRate: 1.5 },
        { id: 'ti', kind: 'tiers', table: 't', key: 'k', value: 'v', profitableAbove: 'x' }
      ],
      { version: 1, title: null, settings: { guards: { minSize: -1, minShare: 0.5, maxCiMargin: 5, minExportSize: 1 } } }
    );
    const found = issues(doc);
    expect(found.length).toBeGreaterThan(12);
    const english = found.map(formatIssue);
    language.set('de');
    const german = found.map(issueText);
    for (const [i, text] of german.entries()) {
      expect(text, english[i]).not.toBe(english[i]);
      expect(text, english[i]).not.toMatch(/\{\w+|expected|got /);
    }
    expect(german).toContain('title: Text erwartet, gefunden: null');
    expect(german).toContain('cells[2].exclusive: true oder false erwartet, gefunden: der Text "yes"');
    expect(german).toContain('cells[4].discountRate: Zahl von 0 bis 1 erwartet');
    expect(german).toContain('settings.guards.minSize: ganze Zahl von 0 bis 1000000000 erwartet');
    expect(german).toContain('cells[5].profitableAbove: Zahl erwartet');
    language.set('en');
    expect(found.map(issueText)).toEqual(english);
  });

  it('an invalid notebook in a share link is said in the UI language where the link is read', () => {
    const hash = shareFragment({ format: 'seglab-notebook', version: 1, title: 't', sources: [], cells: [{ id: 'a b', kind: 'sql', sql: 'x' }] });
    const thrown = (() => {
      try {
        readShareFragment(hash);
      } catch (e) {
        return e;
      }
    })();
    expect(describeError(thrown).message).toBe('cells[0].id: expected 1–64 letters, digits, "_" or "-"');
    language.set('de');
    expect(describeError(thrown).message).toBe('cells[0].id: 1–64 Buchstaben, Ziffern, „_“ oder „-“ erwartet');
  });
});
