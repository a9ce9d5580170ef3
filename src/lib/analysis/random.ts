/**
 * A small seeded pseudo-random generator so that clustering, sampling and initialisation replay
 * exactly for the same seed. The generator is xoshiro128** (Blackman & Vigna, 2018,
 * https://prng.di.unimi.it/xoshiro128starstar.c): 128 bits of state, period 2^128 − 1, passes
 * BigCrush. Its state is filled from the 32-bit seed with splitmix32, as the authors recommend.
 * Pure: no global state, no `Math.random`.
 */

/** A seeded generator: `next()` returns a double in [0, 1) with 53 random bits. */
export interface Rng {
  /** A uniform double in [0, 1). */
  next(): number;
  /** A uniform 32-bit unsigned integer. */
  nextUint32(): number;
  /**
   * A uniform integer in [0, n).
   * @param n exclusive upper bound, 1 ≤ n ≤ 2^32
   */
  nextInt(n: number): number;
}

/**
 * Creates a xoshiro128** generator seeded from a 32-bit integer.
 * @param seed any finite number; it is truncated to its low 32 bits
 */
export function createRng(seed: number): Rng {
  let sm = seed >>> 0;
  const splitmix32 = (): number => {
    sm = (sm + 0x9e3779b9) | 0;
    let z = sm;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return (z ^ (z >>> 16)) >>> 0;
  };
  let s0 = splitmix32();
  let s1 = splitmix32();
  let s2 = splitmix32();
  let s3 = splitmix32();
  if ((s0 | s1 | s2 | s3) === 0) s0 = 1;

  const nextUint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const next = (): number => {
    const hi = nextUint32() >>> 5;
    const lo = nextUint32() >>> 6;
    return (hi * 67108864 + lo) / 9007199254740992;
  };
  const nextInt = (n: number): number => {
    if (!(n >= 1 && n <= 4294967296)) throw new RangeError(`nextInt bound must be in [1, 2^32], got ${n}`);
    return Math.floor(next() * n);
  };
  return { next, nextUint32, nextInt };
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * Draws `m` distinct indices from [0, n) uniformly (partial Fisher–Yates shuffle), in draw order.
 * @param n population size
 * @param m sample size, 0 ≤ m ≤ n
 * @param rng the generator to draw from
 */
export function sampleIndices(n: number, m: number, rng: Rng): Int32Array {
  if (!(Number.isInteger(m) && m >= 0 && m <= n)) throw new RangeError(`sample size must be an integer in [0, ${n}], got ${m}`);
  const perm = new Int32Array(n);
  for (let i = 0; i < n; i++) perm[i] = i;
  for (let i = 0; i < m; i++) {
    const j = i + rng.nextInt(n - i);
    const t = perm[i];
    perm[i] = perm[j];
    perm[j] = t;
  }
  return perm.slice(0, m);
}

/**
 * A standard normal deviate by the Box–Muller transform (one of the pair; the other is discarded).
 * @param rng the generator to draw from
 */
export function normal(rng: Rng): number {
  const u = 1 - rng.next();
  const v = rng.next();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}
