import type pg from 'pg';
import type { PlatformClient } from '@bizosaas/platform-client';
import { fitLogistic } from './logistic-regression.ts';
import { loadModel, storeModel } from './model-store.ts';
import { RULES_VERSION, type ScoringModel } from './scoring-model.ts';
import { MIN_PER_CLASS, readTrainingSet, type PlatformRead } from './training-set.ts';

/** A stored model older than this is fitted again on the tenant's newest outcomes. */
export const MODEL_MAX_AGE_MS = 24 * 3600 * 1000;

/**
 * The scoring_model tool: the tenant's stored model while it is younger than a day (by the
 * analysis's request time); else a model fitted now on the tenant's closed leads and stored. With
 * too few outcomes to fit, a stored model, even an old one, is still better than none; without
 * one the rules score.
 */
export async function currentModel(
  deps: { domain: PlatformClient; pool: pg.Pool },
  read: PlatformRead & { requestedAt: Date },
): Promise<ScoringModel> {
  const stored = await loadModel(deps.pool, read.tenantId);
  if (stored && read.requestedAt.getTime() - Date.parse(stored.trainedAt) < MODEL_MAX_AGE_MS) return stored;
  const training = await readTrainingSet(deps.domain, read);
  if (training.enough && training.positives >= MIN_PER_CLASS && training.negatives >= MIN_PER_CLASS) {
    const fit = fitLogistic(training.rows, training.labels);
    const samples = training.rows.length;
    return storeModel(deps.pool, read.tenantId, fit, {
      samples,
      positives: training.positives,
      trainedAt: read.requestedAt,
    });
  }
  if (stored) return stored;
  return {
    kind: 'rules',
    version: RULES_VERSION,
    samples: training.positives + training.negatives,
    positives: training.positives,
    reason: `${training.positives} converted and ${training.negatives} lost or disqualified leads: fewer than ${MIN_PER_CLASS} of each to fit a model`,
  };
}
