import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeCampaignSamples } from '../../scripts/make-campaign-samples';

const SAMPLES = path.resolve(__dirname, '../../static/samples');

describe('makeCampaignSamples', () => {
  const built = makeCampaignSamples();

  it('builds exactly the bytes of the campaign files in static/samples', () => {
    expect([...built.keys()]).toEqual(['kampagne_test.csv', 'kampagne_ereignisse.csv']);
    for (const [name, text] of built) expect(text === readFileSync(path.join(SAMPLES, name), 'utf8'), name).toBe(true);
  });

  it('assigns the arms at random within each segment and keeps the tiny segment tiny', () => {
    const [, ...rows] = built.get('kampagne_test.csv')!.trim().split('\n').map((l) => l.split(';'));
    const count = (segment: string, arm?: string) => rows.filter((r) => r[1] === segment && (arm === undefined || r[2] === arm)).length;
    expect(rows).toHaveLength(3000);
    expect(count('Rückgewinnung')).toBe(36);
    for (const arm of ['Kontrolle', 'Variante A', 'Variante B']) expect(count('Stammkunden', arm) / count('Stammkunden')).toBeGreaterThan(0.28);
    expect(rows.every((r) => (r[3] === '1') === (Number(r[4]) > 0))).toBe(true);
  });
});
