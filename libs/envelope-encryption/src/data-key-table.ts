import pg from 'pg';

/**
 * Where a service keeps its tenants' wrapped data keys. The table needs `tenant_id uuid`,
 * `version int`, `master_key_id text`, `wrapped_key bytea`, `created_at timestamptz DEFAULT now()`,
 * `rewrapped_at timestamptz NULL`, primary key (tenant_id, version) and row-level security by
 * tenant (event-bus: migration `20261122110552_tenant_data_keys`).
 */
export interface DataKeyTable {
  schema: string;
  name: string;
}

export interface DataKeyRow {
  version: number;
  master_key_id: string;
  wrapped_key: Buffer;
  created_at: Date;
  rewrapped_at: Date | null;
}

export const DATA_KEY_COLUMNS = 'version, master_key_id, wrapped_key, created_at, rewrapped_at';

export const qualifiedTable = ({ schema, name }: DataKeyTable) =>
  `${pg.escapeIdentifier(schema)}.${pg.escapeIdentifier(name)}`;

/**
 * Binds a wrapped key to its tenant and version: a row copied to another tenant does not unwrap.
 * The text is part of every stored wrapped key: it never changes.
 */
export const wrapAad = (tenantId: string, version: number) =>
  `bizosaas.data-key.v1|${tenantId.toLowerCase()}|${version}`;
