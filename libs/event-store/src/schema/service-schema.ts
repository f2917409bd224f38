/**
 * The PostgreSQL schema holding a service's event store: beside the schema its Prisma models
 * own, not inside it, so `db:create-migration` (which diffs only the schemas schema.prisma
 * names) never sees these tables and never proposes to drop them.
 */
export function eventStoreSchemaOf(serviceSchema: string): string {
  return `${serviceSchema}_event_store`;
}
