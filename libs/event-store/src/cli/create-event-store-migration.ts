// npm run db:event-store-migration -- <service> — the event store's tables as the service's newest migration.
import { relative } from 'node:path';
import { isServiceName, repoRoot, SERVICE_NAMES, serviceTarget, writeMigration } from '@bizosaas/db/migrations';
import { eventStoreDdl } from '../schema/event-store-ddl.ts';
import { eventStoreSchemaOf } from '../schema/service-schema.ts';

const [service] = process.argv.slice(2);
if (!service || !isServiceName(service)) {
  process.stderr.write(`Usage: npm run db:event-store-migration -- <service>\nServices: ${SERVICE_NAMES.join(', ')}\n`);
  process.exit(64); // EX_USAGE
}

const target = serviceTarget(service);
const schema = eventStoreSchemaOf(target.pgSchema);
const header = `-- The event store of ${service} (libs/event-store eventStoreDdl): events, snapshots, outbox, inbox,\n-- projection checkpoints and external ids, in the schema "${schema}". Generated; never edit an applied migration.\n`;
const directory = await writeMigration(target, 'event_store', header + eventStoreDdl(schema));
process.stdout.write(`${relative(repoRoot, directory)}/migration.sql\n`);
