import { projectionViews } from '@bizosaas/event-store';
import { EVENT_STORE_SCHEMA } from '../schema.ts';
import { analyticsProjection } from './analytics-projection.ts';

/** What readers query: views on the serving generation of the analytics projection's tables. */
export const views = projectionViews(EVENT_STORE_SCHEMA, analyticsProjection);

/** The projection checkpoints table (the app role may read it). */
export const CHECKPOINTS = `"${EVENT_STORE_SCHEMA}".projection_checkpoints`;

/** A SQL expression: the projection's checkpoint as JSON `{transactionId, globalPosition}` (or null). */
export const CHECKPOINT_SQL = `(SELECT json_build_object('transactionId', transaction_id::text, 'globalPosition', global_position::text)
   FROM ${CHECKPOINTS} WHERE projection = '${analyticsProjection.name}')`;
