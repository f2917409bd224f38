import { randomUUID } from 'node:crypto';
import type pg from 'pg';
import { BusinessRuleViolation, ConcurrencyError, NotFoundError } from '@bizosaas/ddd-kernel';
import type { Channel } from './render.ts';
import type { NewTemplate, TemplateContent, TemplateVersionView, TemplateView } from './template-schemas.ts';

// Every function runs in the caller's transaction of the tenant (RLS); the explicit tenant_id
// conditions keep them right on a connection without a tenant too.

export const VIEW_COLUMNS = `id, key, channel, locale, category, critical, enabled_by_default AS "enabledByDefault", subject,
  body, version, to_json(created_at)#>>'{}' AS "createdAt", to_json(updated_at)#>>'{}' AS "updatedAt"`;

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Who saved a version: a user id, or null for a platform service whose subject is not a UUID. */
const authorOf = (userId: string) => (UUID.test(userId) ? userId : null);

async function insertVersion(client: pg.ClientBase, tenantId: string, row: TemplateView, userId: string) {
  await client.query(
    `INSERT INTO notification.template_versions
       (template_id, tenant_id, version, category, critical, enabled_by_default, subject, body, created_at, created_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
    [
      row.id,
      tenantId,
      row.version,
      row.category,
      row.critical,
      row.enabledByDefault,
      row.subject,
      row.body,
      row.updatedAt,
      authorOf(userId),
    ],
  );
}

/**
 * Version 1 of a new template (and its first version row).
 *
 * @throws BusinessRuleViolation `template_key_unique` when the tenant has one for this key, channel and locale.
 */
export async function createTemplate(
  client: pg.ClientBase,
  tenantId: string,
  input: NewTemplate,
  userId: string,
  now: Date,
): Promise<TemplateView> {
  const { rows } = await client.query<TemplateView>(
    `INSERT INTO notification.templates (id, tenant_id, key, channel, locale, category, critical, enabled_by_default,
       subject, body, version, created_at, updated_at)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, 1, $11, $11)
     ON CONFLICT (tenant_id, key, channel, locale) DO NOTHING
     RETURNING ${VIEW_COLUMNS}`,
    [
      randomUUID(),
      tenantId,
      input.key,
      input.channel,
      input.locale,
      input.category,
      input.critical,
      input.enabledByDefault,
      input.subject ?? null,
      input.body,
      now,
    ],
  );
  const created = rows[0];
  if (!created) {
    const existing = await client.query<{ id: string }>(
      'SELECT id FROM notification.templates WHERE tenant_id = $1 AND key = $2 AND channel = $3 AND locale = $4',
      [tenantId, input.key, input.channel, input.locale],
    );
    const { key, channel, locale } = input;
    throw new BusinessRuleViolation(
      'template_key_unique',
      `A ${channel} template ${key} (${locale}) exists; change it with PUT`,
      { key, channel, locale, existingId: existing.rows[0]?.id ?? null },
    );
  }
  await insertVersion(client, tenantId, created, userId);
  return created;
}

/** @throws NotFoundError when the tenant has no such template. */
export async function getTemplate(
  client: pg.ClientBase,
  tenantId: string,
  id: string,
  options: { forUpdate?: boolean } = {},
): Promise<TemplateView> {
  const { rows } = await client.query<TemplateView>(
    `SELECT ${VIEW_COLUMNS} FROM notification.templates WHERE tenant_id = $1 AND id = $2${options.forUpdate ? ' FOR UPDATE' : ''}`,
    [tenantId, id],
  );
  if (!rows[0]) throw new NotFoundError('Template not found', { id });
  return rows[0];
}

/** Replaces the content of a template (read with forUpdate): the next version, and its version row. */
export async function updateTemplate(
  client: pg.ClientBase,
  tenantId: string,
  current: TemplateView,
  content: TemplateContent,
  userId: string,
  now: Date,
): Promise<TemplateView> {
  const { rows } = await client.query<TemplateView>(
    `UPDATE notification.templates
     SET category = $3, critical = $4, enabled_by_default = $5, subject = $6, body = $7, version = version + 1,
         updated_at = $8
     WHERE tenant_id = $1 AND id = $2
     RETURNING ${VIEW_COLUMNS}`,
    [
      tenantId,
      current.id,
      content.category,
      content.critical,
      content.enabledByDefault,
      content.subject ?? null,
      content.body,
      now,
    ],
  );
  const updated = rows[0]!;
  await insertVersion(client, tenantId, updated, userId);
  return updated;
}

/** @throws ConcurrencyError when the caller saw another version than the current one. */
export function assertVersion(current: TemplateView, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && expectedVersion !== current.version)
    throw new ConcurrencyError(expectedVersion, current.version);
}

const VERSION_COLUMNS = `v.version, v.category, v.critical, v.enabled_by_default AS "enabledByDefault", v.subject,
  v.body, to_json(v.created_at)#>>'{}' AS "createdAt", v.created_by AS "createdBy"`;

/** Every version of a template, newest first. */
export async function listTemplateVersions(
  client: pg.ClientBase,
  tenantId: string,
  templateId: string,
): Promise<TemplateVersionView[]> {
  const { rows } = await client.query<TemplateVersionView>(
    `SELECT ${VERSION_COLUMNS} FROM notification.template_versions v
     WHERE v.tenant_id = $1 AND v.template_id = $2 ORDER BY v.version DESC`,
    [tenantId, templateId],
  );
  return rows;
}

/** One version as a send renders it, with the template's key, channel and locale; null when absent. */
export async function findTemplateVersion(
  client: pg.ClientBase,
  tenantId: string,
  templateId: string,
  version: number,
): Promise<(TemplateVersionView & { templateId: string; key: string; channel: Channel; locale: string }) | null> {
  const { rows } = await client.query<
    TemplateVersionView & { templateId: string; key: string; channel: Channel; locale: string }
  >(
    `SELECT v.template_id AS "templateId", t.key, t.channel, t.locale, ${VERSION_COLUMNS}
     FROM notification.template_versions v JOIN notification.templates t ON t.id = v.template_id
     WHERE v.tenant_id = $1 AND v.template_id = $2 AND v.version = $3`,
    [tenantId, templateId, version],
  );
  return rows[0] ?? null;
}

/** `de-AT` -> `de-AT`, `de`, `en`: the locales a send tries, most specific first. */
export function localeFallbacks(locale: string): string[] {
  return [...new Set([locale, locale.split('-')[0]!, 'en'])];
}

/**
 * The current version of the template a send uses, for each channel that has one, in one statement:
 * the locale, else its language, else `en`.
 */
export async function findTemplatesForSend(
  client: pg.ClientBase,
  tenantId: string,
  key: string,
  channels: readonly Channel[],
  locale: string,
): Promise<Map<Channel, TemplateView>> {
  const { rows } = await client.query<TemplateView>({
    // Named: parsed and planned once per connection (every trigger runs it).
    name: 'notification-templates-for-send',
    text: `SELECT DISTINCT ON (channel) ${VIEW_COLUMNS} FROM notification.templates
     WHERE tenant_id = $1 AND key = $2 AND channel = ANY($3::text[]) AND locale = ANY($4::text[])
     ORDER BY channel, array_position($4::text[], locale)`,
    values: [tenantId, key, channels, localeFallbacks(locale)],
  });
  return new Map(rows.map((row) => [row.channel, row]));
}
