import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationAdapterFactory, type MigrationAdapterOptions } from './migration-adapter.ts';
import { readMigrationList } from './migration-list.ts';
import { engineErrorMessage, startSchemaEngine, type SchemaEngine } from './schema-engine.ts';
import type { MigrationTarget } from './services.ts';

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** A service's migrations failed; `message` is the engine's explanation without its trace. */
export class MigrationError extends Error {
  constructor(
    readonly target: string,
    message: string,
  ) {
    super(`${target}: ${message}`);
    this.name = 'MigrationError';
  }
}

/**
 * `prisma migrate deploy` for one service: applies its unapplied migrations, recording them in
 * `<pgSchema>._prisma_migrations` exactly as the Prisma CLI would. Returns the applied names.
 */
export async function applyMigrations(url: string, target: MigrationTarget): Promise<string[]> {
  const adapter = { url, searchPath: target.pgSchema, defaultSchema: target.pgSchema };
  return withTargetEngine(target, adapter, async (engine, { migrationsList }) => {
    const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
    return appliedMigrationNames;
  });
}

type TargetFiles = {
  datamodel: { path: string; content: string };
  migrationsList: Awaited<ReturnType<typeof readMigrationList>>;
};

/**
 * Starts the schema engine on a target's schema.prisma over a migration adapter, runs `work`
 * with the target's files, then frees the engine and closes the connections; engine failures
 * become a MigrationError naming the target.
 */
export async function withTargetEngine<T>(
  target: MigrationTarget,
  adapter: MigrationAdapterOptions,
  work: (engine: SchemaEngine, files: TargetFiles) => Promise<T>,
): Promise<T> {
  const factory = migrationAdapterFactory(adapter);
  try {
    const schemaPath = join(target.prismaDir, 'schema.prisma');
    const datamodel = { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
    const migrationsList = await readMigrationList(target.prismaDir);
    const engine = await startSchemaEngine(datamodel, factory);
    try {
      return await work(engine, { datamodel, migrationsList });
    } finally {
      engine.free();
    }
  } catch (error) {
    throw new MigrationError(target.name, engineErrorMessage(error));
  } finally {
    await factory.close();
  }
}
