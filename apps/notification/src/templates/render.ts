import type { z } from 'zod';
import { ValidationError, type FieldIssue } from '@bizosaas/ddd-kernel';
import type { notificationChannel } from '@bizosaas/event-schemas';
import { Context, nunjucks } from './nunjucks-internals.ts';
import { RenderFailure, resetBudget, type RenderMode } from './sandbox-runtime.ts';
import { compileTemplate, TemplateRejected, type CompiledTemplate } from './template-compiler.ts';
import { environment, settings } from './template-environment.ts';

export type Channel = z.infer<typeof notificationChannel>;
type Field = 'subject' | 'body';

/** A problem in one field of a template, at a 1-based line and column. */
export interface TemplateIssue extends FieldIssue {
  field: Field;
  line: number;
  column: number;
  /** The path that had no value, when that is the problem. */
  variable?: string;
}

// Compiling costs far more than rendering, and a few hundred templates serve all sends.
const CACHE_SIZE = 500;
const cache = new Map<string, CompiledTemplate>();

function compiled(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) {
    cache.delete(source);
    cache.set(source, hit);
    return hit;
  }
  const template = compileTemplate(source, environment);
  if (cache.size >= CACHE_SIZE) cache.delete(cache.keys().next().value!);
  cache.set(source, template);
  return template;
}

/** Email bodies are HTML and escape what they print; subjects and the other channels are text. */
const escapes = (field: Field, channel: Channel) => field === 'body' && channel === 'email';

function run(template: CompiledTemplate, data: Record<string, unknown>, mode: RenderMode, html: boolean): string {
  const { env, runtime } = settings[mode][html ? 'html' : 'text'];
  const frame = new nunjucks.runtime.Frame();
  frame.topLevel = true;
  let outcome: { error: Error | null | undefined; output?: string | undefined } | undefined;
  resetBudget();
  // Synchronous without async filters; the first answer counts (nunjucks may call back twice on an error).
  template.root(env, new Context(data, template.blocks, env), frame, runtime, (error, output) => {
    outcome ??= { error, output };
  });
  if (!outcome) throw new Error('template rendering did not complete synchronously');
  if (outcome.error) throw outcome.error;
  return outcome.output ?? '';
}

interface Problem {
  message: string;
  line: number;
  column: number;
  variable?: string | undefined;
}

/** Every problem of one field: why it does not compile, or why its render failed. */
function problemsOf(error: unknown): Problem[] {
  if (error instanceof TemplateRejected) return error.problems;
  if (error instanceof RenderFailure)
    return [{ message: error.message, line: error.lineno, column: error.colno, variable: error.variable }];
  throw error;
}

const issueOf = (field: Field, { message, line, column, variable }: Problem): TemplateIssue => ({
  path: variable ? `data.${variable}` : field,
  message: `${message} (${field} line ${line}, column ${column})`,
  location: 'body',
  field,
  line,
  column,
  ...(variable && { variable }),
});

/** Runs `work` for subject and body, collecting both fields' issues before throwing. */
function eachField<T>(fields: Partial<Record<Field, string | null>>, work: (field: Field, source: string) => T) {
  const results: Partial<Record<Field, T>> = {};
  const issues: TemplateIssue[] = [];
  const summary: string[] = [];
  for (const field of ['subject', 'body'] as const) {
    const source = fields[field];
    if (source === undefined || source === null) continue;
    try {
      results[field] = work(field, source);
    } catch (error) {
      for (const problem of problemsOf(error)) {
        issues.push(issueOf(field, problem));
        summary.push(`${field} line ${problem.line}: ${problem.message}`);
      }
    }
  }
  if (issues.length > 0) throw new ValidationError(summary.join('; '), issues);
  return results;
}

/**
 * Whether a template may be saved: both fields compile, use only known filters and tests, load
 * no other template, and render with sample data (any variable resolves, so `{{ user.firstName }}`
 * passes).
 *
 * @throws ValidationError naming the field, line and column of every problem, e.g.
 * "body line 3: unknown filter 'shout'".
 */
export function checkTemplate(source: { subject?: string | null; body: string }, channel: Channel): void {
  eachField(source, (field, text) => run(compiled(text), {}, 'sample', escapes(field, channel)));
}

/**
 * Renders a stored template with real data. Strict: a variable or attribute missing from `data`
 * fails (except where `is defined` or `default` tolerates it).
 *
 * @throws ValidationError naming the missing path (`data.user.firstName`) and the line, or any other
 * render failure with its field and line.
 */
export function renderTemplate(
  template: { subject: string | null; body: string; channel: Channel },
  data: Record<string, unknown>,
): { subject: string | null; body: string } {
  const { subject, body } = eachField(template, (field, text) =>
    run(compiled(text), data, 'strict', escapes(field, template.channel)),
  );
  return { subject: subject ?? null, body: body ?? '' };
}
