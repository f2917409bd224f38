import type pg from 'pg';
import { ValidationError } from '@bizosaas/ddd-kernel';
import type { ListTemplatesQuery, TemplateView } from './template-schemas.ts';
import { UUID, VIEW_COLUMNS } from './template-store.ts';

export interface TemplatePage {
  templates: TemplateView[];
  /** Pass it back as `cursor` for the next page; null on the last one. */
  nextCursor: string | null;
}

/** The tenant's templates, oldest first, filtered, one page after `cursor`. */
export async function listTemplates(
  client: pg.ClientBase,
  tenantId: string,
  query: ListTemplatesQuery,
): Promise<TemplatePage> {
  const values: unknown[] = [tenantId];
  const where = ['tenant_id = $1'];
  const add = (condition: (n: string) => string, value: unknown) => {
    values.push(value);
    where.push(condition(`$${values.length}`));
  };
  for (const column of ['key', 'channel', 'locale', 'category'] as const) {
    const value = query[column];
    if (value !== undefined) add((n) => `${column} = ${n}`, value);
  }
  if (query.cursor) {
    const [createdAt, id] = decodeCursor(query.cursor);
    values.push(createdAt, id);
    where.push(`(created_at, id) > ($${values.length - 1}::timestamptz, $${values.length}::uuid)`);
  }
  values.push(query.limit + 1);
  const { rows } = await client.query<TemplateView>(
    `SELECT ${VIEW_COLUMNS} FROM notification.templates WHERE ${where.join(' AND ')}
     ORDER BY created_at, id LIMIT $${values.length}`,
    values,
  );
  const page = rows.slice(0, query.limit);
  const last = page.at(-1);
  return {
    templates: page,
    nextCursor: rows.length > query.limit && last ? encodeCursor(last.createdAt, last.id) : null,
  };
}

const encodeCursor = (createdAt: string, id: string) =>
  Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');

function decodeCursor(cursor: string): [string, string] {
  try {
    const [createdAt, id] = JSON.parse(Buffer.from(cursor, 'base64url').toString()) as unknown[];
    if (
      typeof createdAt === 'string' &&
      !Number.isNaN(Date.parse(createdAt)) &&
      typeof id === 'string' &&
      UUID.test(id)
    )
      return [createdAt, id];
  } catch {
    // falls through to the validation error
  }
  throw new ValidationError('Invalid cursor', [
    { path: 'cursor', message: 'must be a nextCursor returned by this endpoint', location: 'query' },
  ]);
}
