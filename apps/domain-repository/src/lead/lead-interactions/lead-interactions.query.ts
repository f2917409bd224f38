import type pg from 'pg';
import { z } from 'zod';
import { TenantIsolationError, ValidationError } from '@bizosaas/ddd-kernel';
import type { PlatformCatalogue } from '@bizosaas/event-schemas';
import type { EventStore } from '@bizosaas/event-store';
import { InteractionKind } from '../lead-values.ts';

export const leadInteractionsQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  /** The `nextCursor` of the previous page: the last interaction it listed. */
  cursor: z.uuid().optional(),
});

export const leadInteraction = z.object({
  interactionId: z.uuid(),
  kind: InteractionKind,
  summary: z.string(),
  interactedAt: z.string(),
  /** When it was logged (the event's time); interactedAt may be earlier. */
  recordedAt: z.string(),
});
export const leadInteractionsPage = z.object({
  items: z.array(leadInteraction),
  nextCursor: z.uuid().nullable(),
});
type LeadInteraction = z.infer<typeof leadInteraction>;

/**
 * A lead's interactions, newest first (by when they happened, then by when they were logged),
 * read from its event stream under the caller's tenant. A lead's stream is short (tens of
 * events), so the page is cut from the whole list. No stream: a missing lead or another
 * tenant's, the same 404.
 */
export async function listLeadInteractions(
  deps: { readonly store: EventStore<PlatformCatalogue>; readonly pool: pg.Pool },
  tenantId: string,
  leadId: string,
  query: z.output<typeof leadInteractionsQuery>,
): Promise<z.infer<typeof leadInteractionsPage>> {
  const events = await deps.store.transaction(deps.pool, tenantId, (client) =>
    deps.store.readStream(client, { aggregateType: 'lead', aggregateId: leadId }),
  );
  if (events.length === 0) throw new TenantIsolationError(tenantId);
  const all: LeadInteraction[] = [];
  for (const event of events)
    if (event.type === 'lead.interaction_recorded') all.push({ ...event.data, recordedAt: event.occurredAt });
  // Logging order breaks ties: the later-logged of two at the same instant comes first.
  const newestFirst = all.reverse().sort((a, b) => Date.parse(b.interactedAt) - Date.parse(a.interactedAt));
  const start = query.cursor === undefined ? 0 : afterCursor(newestFirst, query.cursor);
  const items = newestFirst.slice(start, start + query.limit);
  const more = start + query.limit < newestFirst.length;
  return { items, nextCursor: more ? items.at(-1)!.interactionId : null };
}

function afterCursor(interactions: readonly LeadInteraction[], cursor: string): number {
  const index = interactions.findIndex((interaction) => interaction.interactionId === cursor.toLowerCase());
  if (index < 0)
    throw new ValidationError('cursor is not an interaction of this lead', [
      { path: 'cursor', message: 'must be a nextCursor of this list', location: 'query' },
    ]);
  return index + 1;
}
