import { describe, expect, it } from 'vitest';
import { distinctValues, fitMaximumLikelihood, minimize, type Objective } from '../../src/lib/analysis/optimize';

/** Σ 100(xᵢ₊₁ − xᵢ²)² + (1 − xᵢ)², minimum 0 at (1, …, 1). */
const rosenbrock: Objective = (x, gradient) => {
  gradient.fill(0);
  let f = 0;
  for (let i = 0; i + 1 < x.length; i++) {
    const a = x[i + 1] - x[i] * x[i];
    const b = 1 - x[i];
    f += 100 * a * a + b * b;
    gradient[i] += -400 * x[i] * a - 2 * b;
    gradient[i + 1] += 200 * a;
  }
  return f;
};

describe('minimize(f, x0, options)', () => {
  it('finds the minimum of the 2- and 4-dimensional Rosenbrock functions and says why it stopped', () => {
    for (const x0 of [[-1.2, 1], [-1.2, 1, -1.2, 1]]) {
      const result = minimize(rosenbrock, x0);
      expect(result.converged).toBe(true);
      expect(result.message).toMatch(/gradient norm .* ≤ 1\.00e-8/);
      for (const v of result.x) expect(Math.abs(v - 1)).toBeLessThan(1e-7);
      expect(result.fx).toBeLessThan(1e-14);
      expect(result.iterations).toBeGreaterThan(10);
      expect(result.evaluations).toBeGreaterThanOrEqual(result.iterations);
    }
  });

  it('reports not converged when the iteration limit or the coordinate limit is reached', () => {
    const capped = minimize(rosenbrock, [-1.2, 1], { maxIterations: 5 });
    expect(capped).toMatchObject({ converged: false, iterations: 5 });
    expect(capped.message).toMatch(/stopped after 5 iterations/);
    const unbounded: Objective = (x, gradient) => {
      gradient[0] = -Math.exp(-x[0]);
      return Math.exp(-x[0]);
    };
    const escaped = minimize(unbounded, [0], { limit: 10 });
    expect(escaped.converged).toBe(false);
    expect(escaped.message).toMatch(/passed ±10.0/);
  });

  it('reports a start where the objective is not finite', () => {
    const result = minimize((x, gradient) => {
      gradient[0] = 1;
      return Math.log(x[0]);
    }, [-1]);
    expect(result).toMatchObject({ converged: false, iterations: 0, evaluations: 1 });
    expect(result.message).toMatch(/not finite at the starting point/);
  });
});

describe('fitMaximumLikelihood(f, names, initial, scale, customers, options)', () => {
  /** Mean negative log-likelihood of an exponential sample with mean 4, in ln(rate). */
  const exponential: Objective = (u, gradient) => {
    const rate = Math.exp(u[0]);
    gradient[0] = -1 + rate * 4;
    return -u[0] + rate * 4;
  };

  it('returns estimates on the natural scale and the total log-likelihood', () => {
    const fit = fitMaximumLikelihood(exponential, ['rate'], { rate: 1 }, { rate: 10 }, 50);
    expect(fit.converged).toBe(true);
    expect(Math.abs(fit.params.rate - 0.25)).toBeLessThan(1e-9);
    expect(Math.abs(fit.logLikelihood - 50 * (Math.log(0.25) - 1))).toBeLessThan(1e-9);
    expect(fit.customers).toBe(50);
  });

  it('reports an estimate at the edge of the parameter space as not converged', () => {
    const fit = fitMaximumLikelihood(exponential, ['rate'], { rate: 1 }, { rate: 1e8 }, 50);
    expect(fit.converged).toBe(false);
    expect(fit.message).toMatch(/rate → ∞: the likelihood keeps rising towards the edge/);
  });
});

describe('distinctValues(column)', () => {
  it('lists each value once in order of appearance with its count and each entry’s position', () => {
    const groups = distinctValues(Float64Array.of(2, 0, 2, 5, 0, 2));
    expect(Array.from(groups.values)).toEqual([2, 0, 5]);
    expect(Array.from(groups.counts)).toEqual([3, 2, 1]);
    expect(Array.from(groups.index)).toEqual([0, 1, 0, 2, 1, 0]);
  });
});
