// Issue 8, point 2: the runner's CSV files leave personal columns out unless the run opts in.
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main';

const fixtures = path.resolve(__dirname, '../fixtures/notebooks/shop');
const SALT = 'Prüf-Salz';
const sha256 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
let tmp: string;

beforeAll(async () => {
  tmp = await mkdtemp(path.join(os.tmpdir(), 'seglab-runner-personal-'));
  const nb = JSON.parse(await readFile(path.join(fixtures, 'shop.notebook.json'), 'utf8'));
  nb.settings.pseudonymSalt = SALT;
  nb.sources = nb.sources.map((s: { path: string }) => ({ ...s, path: path.join(fixtures, s.path) }));
  nb.sources[0].personal = { PLZ: false };
  await writeFile(path.join(tmp, 'salted.json'), JSON.stringify(nb));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function cli(...argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const code = await main(argv, { cwd: tmp, stdout: () => undefined, stderr: (t) => (stderr += t) });
  return { code, stderr };
}

const lines = (out: string) => readFileSync(path.join(tmp, out, 'top.csv'), 'utf8').trim().split('\n').map((l) => l.split(','));

describe('seglab run with personal data', () => {
  it('follows the notebook\'s marks, includes opted-in columns and pseudonymises the rest with the notebook\'s salt', async () => {
    const plain = await cli('run', 'salted.json', '--out', 'plain');
    expect(plain).toEqual({ code: 0, stderr: '' });
    expect(lines('plain')[0]).toEqual(['Kundennummer', 'PLZ', 'umsatz', 'letzte_bestellung', 'tage_seit']);

    const opted = await cli('run', 'salted.json', '--out', 'opted', '--include-personal', 'Nachname', '--pseudonymise');
    expect(opted).toEqual({ code: 0, stderr: '' });
    const top = lines('opted');
    expect(top[0]).toEqual(['Kundennummer', 'Nachname', 'PLZ', 'umsatz', 'letzte_bestellung', 'tage_seit']);
    expect(top.slice(1).map((r) => r[1])).toEqual(['Müller', 'Köhler', 'Weiß']);

    const hashed = await cli('run', 'salted.json', '--out', 'hashed', '--pseudonymise');
    expect(hashed.code).toBe(0);
    expect(lines('hashed').slice(1).map((r) => r[1])).toEqual(['Müller', 'Köhler', 'Weiß'].map((v) => sha256(SALT + v)));
  });

  it('refuses --pseudonymise without a salt in the notebook', async () => {
    const { code, stderr } = await cli('run', path.join(fixtures, 'shop.notebook.json'), '--out', 'nosalt', '--pseudonymise');
    expect(code).toBe(2);
    expect(stderr).toContain('--pseudonymise needs settings.pseudonymSalt');
  });
});
