import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainLogit, fitLogistic, sigmoid } from './logistic-regression.ts';

/**
 * Separable synthetic leads: positives have feature 0 high and feature 1 low, negatives the
 * opposite; feature 2 is noise, feature 3 is constant. A fixed-seed draw keeps it reproducible.
 */
function separable(seed: number, perClass = 30) {
  const noise = fc.sample(fc.double({ min: 0, max: 1, noNaN: true }), { seed, numRuns: perClass * 6 });
  const rows: number[][] = [];
  const labels: (0 | 1)[] = [];
  for (let i = 0; i < perClass * 2; i++) {
    const positive = i % 2 === 0;
    const [a, b, c] = [noise[i * 3]!, noise[i * 3 + 1]!, noise[i * 3 + 2]!];
    rows.push([positive ? 2 + a : a, positive ? b : 2 + b, c * 10, 7]);
    labels.push(positive ? 1 : 0);
  }
  return { rows, labels };
}

const predict = (fit: ReturnType<typeof fitLogistic>, row: number[]) => sigmoid(explainLogit(fit, row).logit);

describe('fitLogistic', () => {
  it('predicts the classes of separable data, the informative features carrying the weight', () => {
    const { rows, labels } = separable(42);
    const fit = fitLogistic(rows, labels);
    rows.forEach((row, i) => expect(predict(fit, row) > 0.5 ? 1 : 0).toBe(labels[i]));
    expect(predict(fit, [2.5, 0.5, 5, 7])).toBeGreaterThan(0.9);
    expect(predict(fit, [0.5, 2.5, 5, 7])).toBeLessThan(0.1);
    expect(fit.weights[0]).toBeGreaterThan(0.5);
    expect(fit.weights[1]).toBeLessThan(-0.5);
    expect(Math.abs(fit.weights[2]!)).toBeLessThan(Math.abs(fit.weights[0]!) / 3);
    // The constant column is centred to zero: no gradient ever reaches its weight.
    expect(fit.weights[3]).toBe(0);
    expect(fit.scales[3]).toBe(1);
  });

  it('keeps weights small on separable data, where an unpenalised fit keeps growing them (the L2 penalty)', () => {
    const { rows, labels } = separable(7);
    const norm = (fit: ReturnType<typeof fitLogistic>) => Math.hypot(...fit.weights);
    const penalised = fitLogistic(rows, labels, { iterations: 3000 });
    expect(norm(penalised)).toBeLessThan(norm(fitLogistic(rows, labels, { iterations: 3000, lambda: 0 })) / 2);
    expect(norm(penalised)).toBeLessThan(10);
  });

  it('gives the same weights for the same data', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), (seed) => {
        const { rows, labels } = separable(seed, 10);
        expect(fitLogistic(rows, labels)).toEqual(fitLogistic(rows, labels));
      }),
      { numRuns: 20 },
    );
  });

  it('explains a prediction as the bias plus one term per feature', () => {
    const { rows, labels } = separable(3);
    const fit = fitLogistic(rows, labels);
    const { logit, terms } = explainLogit(fit, rows[0]!);
    expect(terms).toHaveLength(4);
    expect(logit).toBeCloseTo(fit.bias + terms.reduce((sum, term) => sum + term, 0), 12);
    expect(terms[0]).toBeCloseTo(((rows[0]![0]! - fit.means[0]!) / fit.scales[0]!) * fit.weights[0]!, 12);
  });

  it('refuses rows without a label each', () => {
    expect(() => fitLogistic([[1]], [])).toThrow(/one label per row/);
  });
});
