import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

/** A Prisma schema + migrations directory that owns one PostgreSQL schema. */
export interface MigrationTarget {
  /** Service (app directory) name, e.g. `user-management`. */
  name: string;
  /** PostgreSQL schema the service owns, e.g. `user_management`. */
  pgSchema: string;
  /** Directory holding `schema.prisma` and `migrations/`. */
  prismaDir: string;
}

export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

/** Services that own a schema, in the order migrations are applied (api-gateway has none). */
export const SERVICE_NAMES = [
  'user-management',
  'campaign',
  'analytics',
  'integration',
  'notification',
  'event-bus',
  'domain-repository',
  'ai-agents',
] as const;

export type ServiceName = (typeof SERVICE_NAMES)[number];

export function isServiceName(value: string): value is ServiceName {
  return (SERVICE_NAMES as readonly string[]).includes(value);
}

export function serviceTarget(name: ServiceName, root = repoRoot): MigrationTarget {
  return { name, pgSchema: name.replaceAll('-', '_'), prismaDir: join(root, 'apps', name, 'prisma') };
}

export function serviceTargets(root = repoRoot): MigrationTarget[] {
  return SERVICE_NAMES.map((name) => serviceTarget(name, root));
}
