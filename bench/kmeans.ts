/**
 * k-means speed against scikit-learn on the same data.
 *
 *   npx tsx bench/kmeans.ts [--n 1000000] [--d 8] [--k 6] [--runs 3]
 *
 * Draws n seeded points × d features from k Gaussian blobs, then prints the median of `runs` wall
 * times for fitKmeans (default restarts, i.e. 10 k-means++ starts), for silhouette on a 10,000-row
 * sample and for pca2, and the same with scikit-learn (/usr/bin/python3, KMeans(n_init=10),
 * silhouette_score(sample_size=10000), PCA(n_components=2).fit_transform) on the very same matrix,
 * written to a temporary .npy file.
 * Also prints both inertias, so a speed-up bought with a worse optimum shows.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { fitKmeans, silhouette, type KmeansResult } from '../src/lib/analysis/kmeans.ts';
import { pca2 } from '../src/lib/analysis/pca.ts';
import { createRng, normal } from '../src/lib/analysis/random.ts';

const SAMPLE = 10_000;

const PYTHON = `
import json, sys, time
import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import PCA
from sklearn.metrics import silhouette_score
path, k, runs, sample = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
X = np.load(path)
fit, sil, pca, inertia, iters = [], [], [], [], []
for r in range(runs):
    t = time.perf_counter(); km = KMeans(n_clusters=k, n_init=10, random_state=r).fit(X); fit.append(time.perf_counter() - t)
    inertia.append(float(km.inertia_)); iters.append(int(km.n_iter_))
    t = time.perf_counter(); silhouette_score(X, km.labels_, sample_size=sample, random_state=r); sil.append(time.perf_counter() - t)
    t = time.perf_counter(); PCA(n_components=2).fit_transform(X); pca.append(time.perf_counter() - t)
print(json.dumps({"fit": fit, "silhouette": sil, "pca": pca, "inertia": inertia, "iterations": iters}))
`;

function blobs(n: number, d: number, k: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const centres = Float64Array.from({ length: k * d }, () => 8 * rng.next() - 4);
  const data = new Float64Array(n * d);
  for (let i = 0; i < n; i++) {
    const c = rng.nextInt(k);
    for (let f = 0; f < d; f++) data[i * d + f] = centres[c * d + f] + normal(rng);
  }
  return data;
}

/** A version-1.0 .npy file (little-endian float64, C order) holding the n × d matrix. */
function npy(data: Float64Array, n: number, d: number): Buffer {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${n}, ${d}), }`;
  header += ' '.repeat(64 - ((10 + header.length + 1) % 64)) + '\n';
  const prefix = Buffer.alloc(10);
  prefix.write('\x93NUMPY', 0, 'latin1');
  prefix.writeUInt8(1, 6);
  prefix.writeUInt8(0, 7);
  prefix.writeUInt16LE(header.length, 8);
  const body = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  return Buffer.concat([prefix, Buffer.from(header, 'latin1'), body]);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function seconds(start: number): number {
  return (performance.now() - start) / 1000;
}

function main(): void {
  const { values } = parseArgs({
    options: {
      n: { type: 'string', default: '1000000' },
      d: { type: 'string', default: '8' },
      k: { type: 'string', default: '6' },
      runs: { type: 'string', default: '3' }
    }
  });
  const [n, d, k, runs] = [values.n, values.d, values.k, values.runs].map(Number);
  const data = blobs(n, d, k, 42);
  console.log(`k-means benchmark: n = ${n}, d = ${d}, k = ${k}, median of ${runs}, node ${process.version}`);

  const fitTimes: number[] = [];
  const silTimes: number[] = [];
  const pcaTimes: number[] = [];
  const fits: KmeansResult[] = [];
  for (let r = 0; r < runs; r++) {
    let start = performance.now();
    const fit = fitKmeans(data, n, d, k, { seed: r });
    fitTimes.push(seconds(start));
    fits.push(fit);
    start = performance.now();
    silhouette(data, n, d, fit.labels, k, { sampleSize: SAMPLE, seed: r });
    silTimes.push(seconds(start));
    start = performance.now();
    pca2(data, n, d);
    pcaTimes.push(seconds(start));
  }

  const dir = mkdtempSync(join(tmpdir(), 'seglab-kmeans-'));
  const file = join(dir, 'data.npy');
  let py: { fit: number[]; silhouette: number[]; pca: number[]; inertia: number[]; iterations: number[] };
  try {
    writeFileSync(file, npy(data, n, d));
    const run = spawnSync('/usr/bin/python3', ['-c', PYTHON, file, String(k), String(runs), String(SAMPLE)], {
      encoding: 'utf8',
      maxBuffer: 1 << 20
    });
    if (run.status !== 0) throw new Error(`scikit-learn run failed:\n${run.stderr}`);
    py = JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const rows: [string, number, number][] = [
    ['fit (10 restarts)', median(fitTimes), median(py.fit)],
    [`silhouette (${SAMPLE} sample)`, median(silTimes), median(py.silhouette)],
    ['PCA to 2 components', median(pcaTimes), median(py.pca)]
  ];
  console.log('\n| step | seglab s | scikit-learn s | seglab / sklearn |\n|---|---:|---:|---:|');
  for (const [step, ours, theirs] of rows) {
    console.log(`| ${step} | ${ours.toFixed(2)} | ${theirs.toFixed(2)} | ${(ours / theirs).toFixed(2)} |`);
  }
  console.log(`\nseglab inertia per run:       ${fits.map((f) => f.inertia.toFixed(1)).join(', ')} (iterations ${fits.map((f) => f.iterations).join(', ')})`);
  console.log(`scikit-learn inertia per run: ${py.inertia.map((v) => v.toFixed(1)).join(', ')} (iterations ${py.iterations.join(', ')})`);
}

main();
