import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { statementName } from '../store/sql-names.ts';
import type { ExternalIdKey, MapExternalIdInput, MapExternalIdResult, PgClient } from '../store/types.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Builds mapExternalId for one store (seed 004 section 10). The INSERT of a fresh id either
 * wins or, when another transaction holds or committed the pair, waits for it and does
 * nothing; the SELECT that follows (a new statement, so under READ COMMITTED it sees that
 * commit) returns the winner's id. One round trip for a new pair, two for a known one.
 */
export function createMapExternalId(schema: string) {
  const insertText = `INSERT INTO ${schema}.external_ids (tenant_id, source, external_id, internal_id)
VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, source, external_id) DO NOTHING RETURNING internal_id`;
  const insertName = statementName('es_map_external_id', insertText);
  const find = createFindExternalId(schema);

  return async function mapExternalId(client: PgClient, input: MapExternalIdInput): Promise<MapExternalIdResult> {
    const candidate = input.newId();
    validate(input, candidate);
    const key = [input.tenantId, input.source, input.externalId];
    type Row = { internal_id: string };
    const inserted = await client.query<Row>({ name: insertName, text: insertText, values: [...key, candidate] });
    if (inserted.rows[0]) return { internalId: inserted.rows[0].internal_id, created: true };
    const found = await find(client, input);
    if (found === null) {
      throw new Error(`external id ${input.source}/${input.externalId} clashed but is not visible: is the transaction READ COMMITTED?`);
    }
    return { internalId: found, created: false };
  };
}

function validate(input: MapExternalIdInput, candidate: string): void {
  const issues: FieldIssue[] = [];
  if (!UUID.test(input.tenantId)) issues.push({ path: 'tenantId', message: 'must be a UUID' });
  if (input.source.length === 0) issues.push({ path: 'source', message: 'must not be empty' });
  if (input.externalId.length === 0) issues.push({ path: 'externalId', message: 'must not be empty' });
  if (!UUID.test(candidate)) issues.push({ path: 'newId', message: 'must return a UUID' });
  if (issues.length > 0) throw new ValidationError('Invalid external id mapping', issues);
}

/** Builds findExternalId: the mapped internal id, or null when the pair was never mapped. */
export function createFindExternalId(schema: string) {
  const text = `SELECT internal_id FROM ${schema}.external_ids WHERE tenant_id = $1 AND source = $2 AND external_id = $3`;
  const name = statementName('es_find_external_id', text);
  return async function findExternalId(client: PgClient, key: ExternalIdKey): Promise<string | null> {
    const { rows } = await client.query<{ internal_id: string }>({ name, text, values: [key.tenantId, key.source, key.externalId] });
    return rows[0]?.internal_id ?? null;
  };
}
