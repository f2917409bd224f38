import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { migrationAdapterFactory } from './migration-adapter.ts';
import { readMigrationList } from './migration-list.ts';
import { engineErrorMessage, startSchemaEngine } from './schema-engine.ts';
import type { MigrationTarget } from './services.ts';

export const NO_FILTERS = { externalTables: [], externalEnums: [] };

/** A service's migrations failed; `message` is the engine's explanation without its trace. */
export class MigrationError extends Error {
  constructor(readonly target: string, message: string) {
    super(`${target}: ${message}`);
    this.name = 'MigrationError';
  }
}

/**
 * `prisma migrate deploy` for one service: applies its unapplied migrations, recording them in
 * `<pgSchema>._prisma_migrations` exactly as the Prisma CLI would. Returns the applied names.
 */
export async function applyMigrations(url: string, target: MigrationTarget): Promise<string[]> {
  const factory = migrationAdapterFactory({ url, searchPath: target.pgSchema, defaultSchema: target.pgSchema });
  try {
    const schemaPath = join(target.prismaDir, 'schema.prisma');
    const datamodel = { path: schemaPath, content: await readFile(schemaPath, 'utf8') };
    const migrationsList = await readMigrationList(target.prismaDir);
    const engine = await startSchemaEngine(datamodel, factory);
    try {
      const { appliedMigrationNames } = await engine.applyMigrations({ migrationsList, filters: NO_FILTERS });
      return appliedMigrationNames;
    } finally {
      engine.free();
    }
  } catch (error) {
    throw new MigrationError(target.name, engineErrorMessage(error));
  } finally {
    await factory.close();
  }
}
