import type pg from 'pg';

/** A connect session as the callback reads it. */
export interface SessionRow {
  id: string;
  provider: string;
  code_verifier: Buffer;
  data_key_version: number;
  redirect_uri: string;
  scopes: string[];
  connection_id: string | null;
  created_by: string | null;
  expires_at: Date;
  used_at: Date | null;
}

/** The session of a state, row-locked: a second callback with the same state waits, then finds it used. */
export async function lockSession(client: pg.ClientBase, hash: string): Promise<SessionRow | undefined> {
  const { rows } = await client.query<SessionRow>(
    `SELECT id, provider, code_verifier, data_key_version, redirect_uri, scopes, connection_id, created_by,
       expires_at, used_at FROM integration.connect_sessions WHERE state_hash = $1 FOR UPDATE`,
    [hash],
  );
  return rows[0];
}
