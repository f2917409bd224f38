import { createHash } from 'node:crypto';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import type pg from 'pg';
import { EVENT_STORE_SCHEMA } from '../write-side/write-side.ts';

/** A CRM record as the CRM names it. */
export interface ExternalIdKey {
  tenantId: string;
  /** The CRM and its object, e.g. `salesforce.lead` (externalSource). */
  source: string;
  externalId: string;
}

export interface MapExternalIdInput extends ExternalIdKey {
  /** A candidate id (called once per call; only the first caller's is ever stored); must return a UUID. */
  newId: () => string;
}

export interface MapExternalIdResult {
  internalId: string;
  /** True for the one call that created the mapping. */
  created: boolean;
}

export interface ExternalIds {
  /** (source, externalId) -> internal aggregate id, created once under concurrency (READ COMMITTED). */
  map(client: pg.ClientBase, input: MapExternalIdInput): Promise<MapExternalIdResult>;
  /** The internal id mapped to (source, externalId), or null; never creates one. */
  find(client: pg.ClientBase, key: ExternalIdKey): Promise<string | null>;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

// Named statements are parsed and planned once per connection; the hash keeps two schemas'
// texts from sharing a name on one connection.
const statement = (prefix: string, text: string) => ({
  name: `${prefix}_${createHash('sha1').update(text).digest('hex').slice(0, 16)}`,
  text,
});

/**
 * The CRM id mapping over the `external_ids` table of the service's event-store schema (created
 * by its event-store migration, with row-level security by tenant). The INSERT of a fresh id
 * either wins or, when another transaction holds or committed the pair, waits for it and does
 * nothing; the SELECT that follows (a new statement, so under READ COMMITTED it sees that commit)
 * returns the winner's id. One round trip for a new pair, two for a known one.
 */
export function createExternalIds(eventStoreSchema: string): ExternalIds {
  if (!/^[a-z_][a-z0-9_]*$/.test(eventStoreSchema)) throw new Error(`Bad schema name: ${eventStoreSchema}`);
  const table = `"${eventStoreSchema}".external_ids`;
  const insert = statement(
    'crm_map_external_id',
    `INSERT INTO ${table} (tenant_id, source, external_id, internal_id)
VALUES ($1, $2, $3, $4) ON CONFLICT (tenant_id, source, external_id) DO NOTHING RETURNING internal_id`,
  );
  const select = statement(
    'crm_find_external_id',
    `SELECT internal_id FROM ${table} WHERE tenant_id = $1 AND source = $2 AND external_id = $3`,
  );

  async function find(client: pg.ClientBase, key: ExternalIdKey): Promise<string | null> {
    const { rows } = await client.query<{ internal_id: string }>({
      ...select,
      values: [key.tenantId, key.source, key.externalId],
    });
    return rows[0]?.internal_id ?? null;
  }

  async function map(client: pg.ClientBase, input: MapExternalIdInput): Promise<MapExternalIdResult> {
    const candidate = input.newId();
    validate(input, candidate);
    const inserted = await client.query<{ internal_id: string }>({
      ...insert,
      values: [input.tenantId, input.source, input.externalId, candidate],
    });
    if (inserted.rows[0]) return { internalId: inserted.rows[0].internal_id, created: true };
    const found = await find(client, input);
    if (found === null) {
      throw new Error(
        `external id ${input.source}/${input.externalId} clashed but is not visible: is the transaction READ COMMITTED?`,
      );
    }
    return { internalId: found, created: false };
  }

  return { map, find };
}

function validate(input: MapExternalIdInput, candidate: string): void {
  const issues: FieldIssue[] = [];
  if (!UUID.test(input.tenantId)) issues.push({ path: 'tenantId', message: 'must be a UUID' });
  if (input.source.length === 0) issues.push({ path: 'source', message: 'must not be empty' });
  if (input.externalId.length === 0) issues.push({ path: 'externalId', message: 'must not be empty' });
  if (!UUID.test(candidate)) issues.push({ path: 'newId', message: 'must return a UUID' });
  if (issues.length > 0) throw new ValidationError('Invalid external id mapping', issues);
}

/** The mapping of domain-repository's own event store (`domain_repository_event_store`). */
export const crmExternalIds = createExternalIds(EVENT_STORE_SCHEMA);
