import type pg from 'pg';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import { notificationChannel } from '@bizosaas/event-schemas';
import type { NotificationChannel } from '../channels/channel.ts';
import {
  categoryNameSchema,
  preferencesView,
  type PreferencesDocument,
  type StoredPreferences,
} from './preference-document.ts';

// Every function runs on the caller's transaction of the tenant (row-level security); tenant_id is
// named as well so a statement never depends on the setting alone for its meaning.

interface PreferenceRow {
  channels: unknown;
  categories: unknown;
  quiet_hours: unknown;
  updated_at: Date;
}

const COLUMNS = 'channels, categories, quiet_hours, updated_at';

// Read without the PUT's limit on the number of categories: unsubscribes may add more.
const storedDocument = preferencesView.omit({ updatedAt: true });

/** Rows are parsed by the document's schema: a stored document is what a PUT or an unsubscribe wrote. */
function fromRow(row: PreferenceRow): StoredPreferences {
  const document = storedDocument.parse({
    channels: row.channels,
    categories: row.categories,
    quietHours: row.quiet_hours,
  });
  return { ...document, updatedAt: row.updated_at };
}

/** The user's stored preferences, or null when the user never stored any. */
export async function loadPreferences(
  client: pg.ClientBase,
  tenantId: string,
  userId: string,
): Promise<StoredPreferences | null> {
  const { rows } = await client.query<PreferenceRow>(
    `SELECT ${COLUMNS} FROM preferences WHERE tenant_id = $1 AND user_id = $2`,
    [tenantId, userId],
  );
  return rows[0] ? fromRow(rows[0]) : null;
}

/** Replaces the user's document: a channel, category or quiet hours it leaves out is no longer chosen. */
export async function putPreferences(
  client: pg.ClientBase,
  tenantId: string,
  userId: string,
  document: PreferencesDocument,
  at: Date,
): Promise<StoredPreferences> {
  const { rows } = await client.query<PreferenceRow>(
    `INSERT INTO preferences (tenant_id, user_id, channels, categories, quiet_hours, updated_at)
     VALUES ($1, $2, $3::jsonb, $4::jsonb, $5::jsonb, $6)
     ON CONFLICT (tenant_id, user_id) DO UPDATE
       SET channels = EXCLUDED.channels, categories = EXCLUDED.categories,
           quiet_hours = EXCLUDED.quiet_hours, updated_at = EXCLUDED.updated_at
     RETURNING ${COLUMNS}`,
    [
      tenantId,
      userId,
      JSON.stringify(document.channels),
      JSON.stringify(document.categories),
      document.quietHours === null ? null : JSON.stringify(document.quietHours),
      at,
    ],
  );
  return fromRow(rows[0]!);
}

/**
 * Merges one choice (category x channel) into the user's document, creating an empty one around
 * it when there is none. Idempotent: setting the value already stored changes nothing, not even
 * updated_at.
 */
export async function setCategoryChannel(
  client: pg.ClientBase,
  tenantId: string,
  userId: string,
  category: string,
  channel: NotificationChannel,
  enabled: boolean,
  at: Date,
): Promise<void> {
  const issues: FieldIssue[] = [];
  if (!categoryNameSchema.safeParse(category).success)
    issues.push({ path: 'category', message: 'is not a category name' });
  if (!notificationChannel.safeParse(channel).success) issues.push({ path: 'channel', message: 'is not a channel' });
  if (issues.length > 0) throw new ValidationError('Invalid preference choice', issues);
  await client.query(
    `INSERT INTO preferences AS p (tenant_id, user_id, channels, categories, quiet_hours, updated_at)
     VALUES ($1, $2, '{}', jsonb_build_object($3::text, jsonb_build_object($4::text, $5::boolean)), NULL, $6)
     ON CONFLICT (tenant_id, user_id) DO UPDATE
       SET categories = p.categories
             || jsonb_build_object($3::text, COALESCE(p.categories -> $3::text, '{}') || jsonb_build_object($4::text, $5::boolean)),
           updated_at = EXCLUDED.updated_at
       WHERE p.categories -> $3::text -> $4::text IS DISTINCT FROM to_jsonb($5::boolean)`,
    [tenantId, userId, category, channel, enabled, at],
  );
}
