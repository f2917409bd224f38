import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { RawQueryClient } from '../client/check-database.ts';
import { generateClients } from '../migrations/generate-client.ts';
import type { MigrationTarget } from '../migrations/services.ts';
import type { RawExecutor, TransactionalClient } from '../tenancy/with-tenant.ts';

export const fixtureTarget: MigrationTarget = {
  name: 'tenancy-fixture',
  pgSchema: 'tenancy_fixture',
  prismaDir: fileURLToPath(new URL('../tenancy/fixture', import.meta.url)),
};

export interface Note {
  id: string;
  tenantId: string;
  body: string;
}

interface NoteDelegate {
  findMany(args?: { orderBy?: { body: 'asc' | 'desc' } }): Promise<Note[]>;
  create(args: { data: { tenantId: string; body: string } }): Promise<Note>;
  updateMany(args: { where?: Partial<Note>; data: Partial<Note> }): Promise<{ count: number }>;
  deleteMany(args?: { where?: Partial<Note> }): Promise<{ count: number }>;
}

/** The slice of the generated fixture client the tests use (it is generated at test time). */
export interface FixtureTransaction extends RawExecutor, RawQueryClient {
  note: NoteDelegate;
}

export interface FixtureClient extends TransactionalClient<FixtureTransaction>, RawQueryClient {
  note: NoteDelegate;
  $disconnect(): Promise<void>;
}

const generatedRoot = fileURLToPath(new URL('../../.generated/', import.meta.url));

/**
 * Generates the fixture's Prisma client into `libs/db/.generated/<label>` (one directory per
 * test file, so parallel files do not overwrite each other) and returns its constructor.
 */
export async function loadFixtureClient(
  label: string,
): Promise<new (options: { adapter: SqlDriverAdapterFactory }) => FixtureClient> {
  const dir = join(generatedRoot, label);
  const schema = await readFile(join(fixtureTarget.prismaDir, 'schema.prisma'), 'utf8');
  await mkdir(dir, { recursive: true });
  await writeFile(join(dir, 'schema.prisma'), schema.replace(/output\s*=\s*"[^"]*"/, 'output = "./client"'));
  await generateClients([join(dir, 'schema.prisma')]);
  const module = (await import(pathToFileURL(join(dir, 'client', 'client.ts')).href)) as { PrismaClient: unknown };
  return module.PrismaClient as new (options: { adapter: SqlDriverAdapterFactory }) => FixtureClient;
}
