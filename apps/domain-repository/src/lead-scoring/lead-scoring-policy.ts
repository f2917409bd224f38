import type pg from 'pg';
import { z } from 'zod';

/** A tenant's rule for AI lead scores; what a tenant that never set one gets. */
export const leadScoringPolicyInput = z.strictObject({
  /** A lead whose AI total score reaches this (inclusive) is qualified, when autoQualify is on. */
  qualifyThreshold: z.number().int().min(0).max(100).default(70),
  /** Off: every scored lead is marked for nurturing and qualification is left to people. */
  autoQualify: z.boolean().default(true),
});
export type LeadScoringPolicy = z.output<typeof leadScoringPolicyInput>;

export const leadScoringPolicyView = z.object({
  qualifyThreshold: z.number().int(),
  autoQualify: z.boolean(),
  /** Null while the tenant runs on the defaults. */
  updatedAt: z.string().nullable(),
  updatedBy: z.uuid().nullable(),
});
export type LeadScoringPolicyView = z.infer<typeof leadScoringPolicyView>;

const DEFAULTS: LeadScoringPolicyView = {
  ...leadScoringPolicyInput.parse({}),
  updatedAt: null,
  updatedBy: null,
};

const COLUMNS = `qualify_threshold AS "qualifyThreshold", auto_qualify AS "autoQualify",
  to_json(updated_at)#>>'{}' AS "updatedAt", updated_by AS "updatedBy"`;

/** The policy of the tenant set on `client` (RLS picks its row), or the defaults. */
export async function readLeadScoringPolicy(client: pg.ClientBase): Promise<LeadScoringPolicyView> {
  const { rows } = await client.query<LeadScoringPolicyView>(
    `SELECT ${COLUMNS} FROM domain_repository.lead_scoring_policies`,
  );
  return rows[0] ?? DEFAULTS;
}

/** Replaces the tenant's policy (the tenant set on `client`); the last writer wins. */
export async function writeLeadScoringPolicy(
  client: pg.ClientBase,
  change: LeadScoringPolicy & { tenantId: string; userId: string; at: Date },
): Promise<LeadScoringPolicyView> {
  const { rows } = await client.query<LeadScoringPolicyView>(
    `INSERT INTO domain_repository.lead_scoring_policies (tenant_id, qualify_threshold, auto_qualify, updated_at, updated_by)
     VALUES ($1, $2, $3, $4, $5)
     ON CONFLICT (tenant_id) DO UPDATE SET qualify_threshold = EXCLUDED.qualify_threshold,
       auto_qualify = EXCLUDED.auto_qualify, updated_at = EXCLUDED.updated_at, updated_by = EXCLUDED.updated_by
     RETURNING ${COLUMNS}`,
    [change.tenantId, change.qualifyThreshold, change.autoQualify, change.at, change.userId],
  );
  return rows[0]!;
}
