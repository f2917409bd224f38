import { readFileSync } from 'node:fs';
import { DCLinter } from 'dclint';
import { parse } from 'yaml';

/** The parts of a compose service the deploy test reads (merge keys resolved). */
export interface ComposeService {
  image?: string;
  build?: string | { context?: string; dockerfile?: string; target?: string };
  environment?: Record<string, string | number | boolean | null> | string[];
  ports?: Array<string | number | { target: number; published?: string | number }>;
  healthcheck?: { test?: string | string[]; disable?: boolean };
  restart?: string;
  depends_on?: string[] | Record<string, { condition: string }>;
  deploy?: {
    replicas?: number;
    restart_policy?: { condition?: string };
    resources?: { limits?: { cpus?: string | number; memory?: string } };
  };
}

export interface ComposeFile {
  services: Record<string, ComposeService>;
}

// dclint's bundled .d.ts files use extensionless imports that NodeNext cannot follow,
// so the linter is typed here by the part this file uses.
interface LintMessage {
  type: string;
  rule: string;
  line: number;
  message: string;
}
interface ComposeLinter {
  lintFiles(paths: string[], recursive: boolean): Array<{ messages: LintMessage[] }>;
}

// dclint validates against the compose-spec JSON schema it ships (the one Docker Compose uses)
// before its rules; the style rules are off, the ones that catch real mistakes are errors.
// eslint-disable-next-line @typescript-eslint/no-unsafe-assignment, @typescript-eslint/no-unsafe-call -- DCLinter has no type here (above); ComposeLinter states it
const linter: ComposeLinter = new DCLinter({
  rules: {
    'no-build-and-image': 0,
    'no-duplicate-container-names': 2,
    'no-duplicate-exported-ports': 2,
    'no-quotes-in-volumes': 0,
    'no-unbound-port-interfaces': 2,
    'no-version-field': 2,
    'require-project-name-field': 0,
    'require-quotes-in-ports': [2, { quoteType: 'double' }],
    'service-container-name-regex': 2,
    'service-dependencies-alphabetical-order': 0,
    'service-image-require-explicit-tag': 2,
    'service-keys-order': 0,
    'service-ports-alphabetical-order': 0,
    'services-alphabetical-order': 0,
    'top-level-properties-order': 0,
  },
  quiet: true,
  debug: false,
  exclude: [],
});

/** Schema and lint errors of one compose file, one line each (empty when it is valid). */
export function composeErrors(path: string): string[] {
  return linter
    .lintFiles([path], false)
    .flatMap((result) => result.messages)
    .filter((message) => message.type === 'error')
    .map((message) => `${path}:${message.line} ${message.rule}: ${message.message}`);
}

/** Parses a compose file the way Compose does (YAML merge keys `<<` resolved). */
export function loadCompose(path: string): ComposeFile {
  return parse(readFileSync(path, 'utf8'), { merge: true }) as ComposeFile;
}

/** A service's environment as a map, whichever of the two forms the file uses. */
export function environmentOf(service: ComposeService): Record<string, string> {
  const env = service.environment ?? {};
  const entries = Array.isArray(env)
    ? env.map((item) => item.split(/=(.*)/s, 2) as [string, string])
    : Object.entries(env).map(([key, value]) => [key, String(value ?? '')] as [string, string]);
  return Object.fromEntries(entries);
}
