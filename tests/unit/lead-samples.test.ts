import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeLeadSamples } from '../../scripts/make-lead-samples';

const SAMPLES = path.resolve(__dirname, '../../static/samples');

describe('makeLeadSamples', () => {
  const built = makeLeadSamples();

  it('builds exactly the bytes of the lead files in static/samples', () => {
    expect([...built.keys()]).toEqual(['leads.csv', 'lead_activities.csv']);
    for (const [name, text] of built) expect(text === readFileSync(path.join(SAMPLES, name), 'utf8'), name).toBe(true);
  });

  it('plants more recent activity among leads from target industries of a fitting size', () => {
    const [, ...leads] = built.get('leads.csv')!.trim().split('\n').map((l) => l.split(';'));
    const [, ...events] = built.get('lead_activities.csv')!.trim().split('\n').map((l) => l.split(';'));
    const target = new Set(leads.filter(([, , branche, size]) => ['Maschinenbau', 'Elektrotechnik'].includes(branche) && +size >= 50 && +size <= 999).map(([id]) => id));
    const recent = events.filter(([, day]) => day >= '2025-06-01');
    const perLead = (inTarget: boolean) => recent.filter(([id]) => target.has(id) === inTarget).length / leads.filter(([id]) => target.has(id) === inTarget).length;
    expect(target.size).toBeGreaterThan(150);
    expect(perLead(true)).toBeGreaterThan(2 * perLead(false));
    expect(new Set(events.map(([id]) => id)).size).toBeLessThan(leads.length);
  });
});
