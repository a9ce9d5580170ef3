/**
 * BG/NBD fit at scale: simulates customers from known parameters with a seeded PRNG, fits the
 * model three times and prints the median fit time and the recovered parameters.
 *
 *   npx tsx bench/bgnbd.ts [--customers 1000000] [--seed 42]
 */
import { parseArgs } from 'node:util';
import randomBeta from '@stdlib/random-base-beta';
import randomGamma from '@stdlib/random-base-gamma';
import randu from '@stdlib/random-base-randu';
import { bgnbdLogLikelihood, fitBgnbd, type BgnbdData, type BgnbdParams } from '../src/lib/analysis/bgnbd.ts';

/** The CDNOW estimates of Fader, Hardie & Lee (2005), in weeks. */
const TRUTH: BgnbdParams = { r: 0.243, alpha: 4.414, a: 0.793, b: 2.426 };

/**
 * Draws customers from the BG/NBD process: λ ~ Gamma(r, α), p ~ Beta(a, b), first purchases spread
 * uniformly over 12 weeks and calibration ending at week 39 (T in [27, 39], as in CDNOW). Purchases
 * follow a Poisson process of rate λ; after each repeat purchase the customer drops out with
 * probability p.
 */
function simulate(n: number, seed: number, { r, alpha, a, b }: BgnbdParams): BgnbdData {
  const gamma = randomGamma.factory(r, alpha, { seed });
  const beta = randomBeta.factory(a, b, { seed: seed + 1 });
  const uniform = randu.factory({ seed: seed + 2 });
  const data = { x: new Float64Array(n), tx: new Float64Array(n), T: new Float64Array(n) };
  for (let i = 0; i < n; i++) {
    const lambda = gamma();
    const p = beta();
    const T = 27 + 12 * uniform();
    let t = -Math.log(uniform()) / lambda;
    while (t <= T) {
      data.x[i]++;
      data.tx[i] = t;
      if (uniform() < p) break;
      t -= Math.log(uniform()) / lambda;
    }
    data.T[i] = T;
  }
  return data;
}

const { values } = parseArgs({ options: { customers: { type: 'string', default: '1000000' }, seed: { type: 'string', default: '42' } } });
const n = Number(values.customers);
const seed = Number(values.seed);

let t0 = performance.now();
const data = simulate(n, seed, TRUTH);
const repeat = data.x.reduce((count, x) => count + (x > 0 ? 1 : 0), 0);
console.log(`simulated ${n.toLocaleString('en')} customers (${repeat.toLocaleString('en')} with x > 0) in ${((performance.now() - t0) / 1000).toFixed(2)} s`);

t0 = performance.now();
const ll = bgnbdLogLikelihood(TRUTH, data);
console.log(`one likelihood pass with setup: ${((performance.now() - t0) / 1000).toFixed(3)} s (log-likelihood at the true parameters ${ll.toFixed(1)})`);

const runs = [0, 1, 2].map(() => {
  const start = performance.now();
  const fit = fitBgnbd(data);
  return { seconds: (performance.now() - start) / 1000, fit };
});
runs.sort((u, v) => u.seconds - v.seconds);
const { seconds, fit } = runs[1];
console.log(`fit: median ${seconds.toFixed(2)} s of ${runs.map((run) => run.seconds.toFixed(2)).join(', ')}; converged ${fit.converged} after ${fit.iterations} iterations, ${fit.evaluations} likelihood passes (${fit.message})`);
const lr = 2 * (fit.logLikelihood - ll);
console.log(`log-likelihood ${fit.logLikelihood.toFixed(1)}; 2·(ℓ̂ − ℓ(truth)) = ${lr.toFixed(2)}, below 9.49 (χ²₄, 95 %) when the fit is consistent with the truth`);
for (const name of ['r', 'alpha', 'a', 'b'] as const) {
  const error = (fit.params[name] / TRUTH[name] - 1) * 100;
  console.log(`${name.padEnd(5)} true ${TRUTH[name].toFixed(3)}  fitted ${fit.params[name].toFixed(4)}  (${error >= 0 ? '+' : ''}${error.toFixed(2)} %)`);
}
