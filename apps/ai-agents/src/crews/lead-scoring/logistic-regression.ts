/**
 * Binary logistic regression, pure and deterministic: features standardised (mean 0, standard
 * deviation 1 over the training rows), weights from zero by full-batch gradient descent on the
 * mean log loss plus an L2 penalty (not on the bias). The same rows give the same weights.
 */
export interface LogisticFit {
  means: number[];
  scales: number[];
  weights: number[];
  bias: number;
}

export interface FitOptions {
  /** L2 strength: keeps weights finite on separable data and small on few samples. */
  lambda?: number;
  iterations?: number;
  learningRate?: number;
}

export const sigmoid = (value: number): number => 1 / (1 + Math.exp(-value));

export function fitLogistic(
  rows: readonly number[][],
  labels: readonly (0 | 1)[],
  options: FitOptions = {},
): LogisticFit {
  if (rows.length === 0 || rows.length !== labels.length) throw new Error('fitLogistic needs one label per row');
  const { lambda = 0.05, iterations = 600, learningRate = 0.5 } = options;
  const { means, scales } = standardisation(rows);
  const z = rows.map((row) => standardise(means, scales, row));
  const width = means.length;
  const weights = new Array<number>(width).fill(0);
  let bias = 0;
  for (let step = 0; step < iterations; step++) {
    const gradient = new Array<number>(width).fill(0);
    let biasGradient = 0;
    z.forEach((row, i) => {
      const error = sigmoid(bias + dot(weights, row)) - labels[i]!;
      biasGradient += error;
      for (let j = 0; j < width; j++) gradient[j]! += error * row[j]!;
    });
    for (let j = 0; j < width; j++) weights[j]! -= learningRate * (gradient[j]! / rows.length + lambda * weights[j]!);
    bias -= (learningRate * biasGradient) / rows.length;
  }
  return { means, scales, weights, bias };
}

/** The log-odds of the positive class and each feature's share of it (weight x standardised value). */
export function explainLogit(fit: LogisticFit, row: readonly number[]): { logit: number; terms: number[] } {
  const terms = standardise(fit.means, fit.scales, row).map((value, j) => value * fit.weights[j]!);
  return { logit: fit.bias + terms.reduce((sum, term) => sum + term, 0), terms };
}

function standardisation(rows: readonly number[][]): { means: number[]; scales: number[] } {
  const width = rows[0]!.length;
  const means = Array.from({ length: width }, (_, j) => rows.reduce((sum, row) => sum + row[j]!, 0) / rows.length);
  const scales = means.map((mean, j) => {
    const variance = rows.reduce((sum, row) => sum + (row[j]! - mean) ** 2, 0) / rows.length;
    // A constant column stays 0 after centring: any scale will do, 1 keeps it finite.
    return variance > 1e-12 ? Math.sqrt(variance) : 1;
  });
  return { means, scales };
}

const standardise = (means: readonly number[], scales: readonly number[], row: readonly number[]) =>
  row.map((value, j) => (value - means[j]!) / scales[j]!);

const dot = (a: readonly number[], b: readonly number[]) => a.reduce((sum, value, j) => sum + value * b[j]!, 0);
