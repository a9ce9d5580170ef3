/**
 * Special functions for the customer-value likelihoods. Log-gamma, log-beta and digamma come from
 * stdlib (ports of the Cephes / FreeBSD / Boost implementations); the Gauss hypergeometric
 * function 2F1, which stdlib lacks, is summed here from its power series.
 */
import stdlibBetaln from '@stdlib/math-base-special-betaln';
import stdlibDigamma from '@stdlib/math-base-special-digamma';
import stdlibGammaln from '@stdlib/math-base-special-gammaln';

/**
 * Natural logarithm of |Γ(x)|, accurate to a few ulp for all real x (stdlib).
 * @param x argument
 */
export const gammaln: (x: number) => number = stdlibGammaln;

/**
 * Natural logarithm of the beta function, ln B(a, b) = ln Γ(a) + ln Γ(b) − ln Γ(a + b), computed
 * without cancellation for large arguments (stdlib).
 * @param a first argument, > 0
 * @param b second argument, > 0
 */
export const betaln: (a: number, b: number) => number = stdlibBetaln;

/**
 * Digamma ψ(x) = d/dx ln Γ(x) (stdlib).
 * @param x argument
 */
export const digamma: (x: number) => number = stdlibDigamma;

/** Terms summed before `hyp2f1` gives up; enough for z up to about 0.9995 at full precision. */
export const HYP2F1_MAX_TERMS = 100_000;

/**
 * Gauss hypergeometric function 2F1(a, b; c; z) = Σₙ (a)ₙ (b)ₙ / ((c)ₙ n!) zⁿ for 0 ≤ z < 1.
 *
 * Sums the power series term by term. It stops when the next term has stopped growing and the
 * geometric bound on the remainder, |tₙ|·q / (1 − q) with q = max(|tₙ₊₁/tₙ|, z), falls below
 * 1e-16·|sum|; a series whose a or b is a non-positive integer ends as a polynomial. The cost grows
 * like 1/(1 − z): callers near z = 1 should first move to a series with small parameters (Euler's
 * transformation 2F1(a, b; c; z) = (1 − z)^(c−a−b) 2F1(c − a, c − b; c; z), as `bgnbd.ts` does).
 * @param a first numerator parameter
 * @param b second numerator parameter
 * @param c denominator parameter; not 0 or a negative integer
 * @param z argument, 0 ≤ z < 1
 * @throws RangeError outside that domain, or if the series has not converged after
 *   `HYP2F1_MAX_TERMS` terms
 */
export function hyp2f1(a: number, b: number, c: number, z: number): number {
  if (!(z >= 0 && z < 1)) throw new RangeError(`hyp2f1: z must lie in [0, 1), got ${z}`);
  if (c <= 0 && Number.isInteger(c)) throw new RangeError(`hyp2f1: c must not be 0 or a negative integer, got ${c}`);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`hyp2f1: a and b must be finite, got ${a}, ${b}`);
  let term = 1;
  let sum = 1;
  let ratio = (a * b * z) / c;
  for (let n = 1; n <= HYP2F1_MAX_TERMS; n++) {
    term *= ratio;
    sum += term;
    if (term === 0) return sum;
    ratio = ((a + n) * (b + n) * z) / ((c + n) * (n + 1));
    const q = Math.max(Math.abs(ratio), z);
    if (q < 1 && (Math.abs(term) * q) / (1 - q) <= 1e-16 * Math.abs(sum)) return sum;
  }
  throw new RangeError(`hyp2f1(${a}, ${b}; ${c}; ${z}): series did not converge in ${HYP2F1_MAX_TERMS} terms`);
}
