import pg from 'pg';

export interface ProjectionLag {
  projection: string;
  /** The global position of the last event the projection applied. */
  position: number;
  /** The log's highest global position minus `position`: events (roughly) still to apply. */
  lag: number;
}

/**
 * Each installed projection's distance from the head of the log, in one cheap statement (the
 * log's head is the primary key's last entry), for `/ready`. Positions are assigned at insert
 * and commits may land out of order, so the lag counts positions, not exact events. Use the
 * worker role: the app role sees one tenant's events only.
 */
export async function projectionLag(client: pg.Pool | pg.ClientBase, schema: string): Promise<ProjectionLag[]> {
  const s = pg.escapeIdentifier(schema);
  const { rows } = await client.query<{ projection: string; position: string; lag: string }>(
    `SELECT c.projection, c.global_position::text AS position,
            greatest(0, coalesce((SELECT max(global_position) FROM ${s}.events), 0) - c.global_position)::text AS lag
       FROM ${s}.projection_checkpoints c ORDER BY c.projection`,
  );
  return rows.map((row) => ({ projection: row.projection, position: Number(row.position), lag: Number(row.lag) }));
}
