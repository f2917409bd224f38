import type pg from 'pg';
import { withTransaction } from '@bizosaas/db';
import type { LogisticFit } from './logistic-regression.ts';
import { FEATURES, type LogisticModel } from './scoring-model.ts';

interface ModelRow {
  version: number;
  weights: { features?: unknown; means?: unknown; scales?: unknown; weights?: unknown; bias?: unknown };
  samples: number;
  positives: number;
  trainedAt: Date;
}

/** The tenant's stored model, or null when there is none or it was fitted on other features. */
export async function loadModel(pool: pg.Pool, tenantId: string): Promise<LogisticModel | null> {
  const row = await withTransaction(
    pool,
    async (client) =>
      (
        await client.query<ModelRow>(
          `SELECT version, weights, samples, positives, trained_at AS "trainedAt"
             FROM ai_agents.lead_scoring_models WHERE tenant_id = $1`,
          [tenantId],
        )
      ).rows[0],
    { tenantId },
  );
  if (!row) return null;
  const { features, means, scales, weights, bias } = row.weights;
  if (JSON.stringify(features) !== JSON.stringify(FEATURES)) return null;
  return {
    kind: 'logistic',
    version: row.version,
    samples: row.samples,
    positives: row.positives,
    trainedAt: row.trainedAt.toISOString(),
    features: FEATURES,
    means: means as number[],
    scales: scales as number[],
    weights: weights as number[],
    bias: bias as number,
  };
}

/**
 * Stores a fitted model as the tenant's current one, one version past the stored one (two
 * analyses training at once: the later write wins, both versions counted).
 */
export async function storeModel(
  pool: pg.Pool,
  tenantId: string,
  fit: LogisticFit,
  counts: { samples: number; positives: number; trainedAt: Date },
): Promise<LogisticModel> {
  const weights = { features: FEATURES, ...fit };
  const stored = await withTransaction(
    pool,
    async (client) =>
      (
        await client.query<{ version: number }>(
          `INSERT INTO ai_agents.lead_scoring_models AS m (tenant_id, version, weights, samples, positives, trained_at)
           VALUES ($1, 1, $2::jsonb, $3, $4, $5)
           ON CONFLICT (tenant_id) DO UPDATE SET version = m.version + 1, weights = EXCLUDED.weights,
             samples = EXCLUDED.samples, positives = EXCLUDED.positives, trained_at = EXCLUDED.trained_at
           RETURNING version`,
          [tenantId, JSON.stringify(weights), counts.samples, counts.positives, counts.trainedAt],
        )
      ).rows[0]!,
    { tenantId },
  );
  const { samples, positives } = counts;
  return {
    kind: 'logistic',
    version: stored.version,
    samples,
    positives,
    trainedAt: counts.trainedAt.toISOString(),
    ...weights,
  };
}
