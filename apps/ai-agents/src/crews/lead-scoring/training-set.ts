import type { PlatformClient } from '@bizosaas/platform-client';
import { CrewError } from '../crew.ts';
import { readLeadFacts } from './lead-facts.ts';
import { leadProfile } from './lead-features.ts';
import { leadListAnswer } from './lead-scoring-schemas.ts';
import { platformFailure } from '../platform-failure.ts';
import { featureVector } from './scoring-model.ts';

/** Fewer closed leads of either outcome than this and the rules score instead. */
export const MIN_PER_CLASS = 20;
/** The newest closed leads of each outcome read for training (bounds the reads to 2 per lead). */
export const MAX_PER_CLASS = 100;
const READ_CONCURRENCY = 4;

export interface PlatformRead {
  tenantId: string;
  correlationId: string;
  signal: AbortSignal;
}

export type TrainingSet =
  | { enough: false; positives: number; negatives: number }
  | { enough: true; rows: number[][]; labels: (0 | 1)[]; positives: number; negatives: number };

/**
 * Converted leads are the positives, lost and disqualified ones the negatives: the newest
 * MAX_PER_CLASS of each, each described as it stood when it closed (its last update), so
 * recency means "engaged shortly before the outcome" as it does for an open lead now.
 */
export async function readTrainingSet(domain: PlatformClient, read: PlatformRead): Promise<TrainingSet> {
  const [converted, lost, disqualified] = await Promise.all(
    ['converted', 'lost', 'disqualified'].map((status) => listClosed(domain, read, status)),
  );
  const positives = converted!;
  const negatives = [...lost!, ...disqualified!]
    .sort((a, b) => b.updatedAt.localeCompare(a.updatedAt) || a.id.localeCompare(b.id))
    .slice(0, MAX_PER_CLASS);
  if (positives.length < MIN_PER_CLASS || negatives.length < MIN_PER_CLASS)
    return { enough: false, positives: positives.length, negatives: negatives.length };
  const labelled = [
    ...positives.map((lead) => ({ ...lead, label: 1 as const })),
    ...negatives.map((lead) => ({ ...lead, label: 0 as const })),
  ].sort((a, b) => a.id.localeCompare(b.id));
  const examples = await mapLimited(labelled, READ_CONCURRENCY, async (lead) => {
    const facts = await readLeadFacts(domain, { ...read, leadId: lead.id }).catch(skipMissing);
    return facts === null
      ? null
      : { row: featureVector(leadProfile(facts, new Date(lead.updatedAt))), label: lead.label };
  });
  const found = examples.filter((example) => example !== null);
  return {
    enough: true,
    rows: found.map((example) => example.row),
    labels: found.map((example) => example.label),
    positives: found.filter((example) => example.label === 1).length,
    negatives: found.filter((example) => example.label === 0).length,
  };
}

// A lead listed and gone by the time it is read (the projection lags): one example less.
const skipMissing = (error: unknown) => {
  if (error instanceof CrewError && error.code === 'SUBJECT_NOT_FOUND') return null;
  throw error;
};

async function listClosed(domain: PlatformClient, read: PlatformRead, status: string) {
  const path = `/api/v1/leads?status=${status}&limit=${MAX_PER_CLASS}&offset=0`;
  try {
    const answer = await domain.get(read.tenantId, path, 200, read.signal, { correlationId: read.correlationId });
    return leadListAnswer.parse(answer).items;
  } catch (error) {
    throw platformFailure(error);
  }
}

async function mapLimited<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}
