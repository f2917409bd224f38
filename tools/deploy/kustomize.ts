import { execFileSync } from 'node:child_process';
import { parseAllDocuments } from 'yaml';

/** A rendered Kubernetes object, before schema validation. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

// No npm package renders kustomize; kubectl embeds it (kustomize v5 from kubectl 1.27 on).
const RENDERERS = [
  { command: 'kubectl', args: ['kustomize'] },
  { command: 'kustomize', args: ['build'] },
] as const;

export const RENDERER_MISSING = [
  'No kustomize renderer found: the deploy test needs `kubectl` (>= 1.27, kustomize v5) or `kustomize` (v5) on PATH.',
  'Debian bookworm has none recent enough (its kubernetes-client is 1.20 with kustomize v2).',
  "Install kubectl >= 1.27 from the Kubernetes project's release binaries or apt repository.",
].join('\n');

/** Renders a kustomization directory with the first renderer found on PATH. */
export function renderKustomization(dir: string): K8sObject[] {
  for (const { command, args } of RENDERERS) {
    let output: string;
    try {
      output = execFileSync(command, [...args, dir], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
        maxBuffer: 64 * 1024 * 1024,
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') continue;
      const stderr =
        error instanceof Error && 'stderr' in error && typeof error.stderr === 'string'
          ? error.stderr.slice(0, 2000)
          : '';
      throw new Error(`\`${command} ${args.join(' ')} ${dir}\` failed (kustomize v5 needed):\n${stderr}`, {
        cause: error,
      });
    }
    return parseAllDocuments(output)
      .map((doc) => doc.toJS() as K8sObject | null)
      .filter((obj): obj is K8sObject => obj !== null);
  }
  throw new Error(RENDERER_MISSING);
}
