// The parts of nunjucks 3.2 this service builds its sandbox on that @types/nunjucks does not
// describe: the parser and its nodes, the compiler (subclassed to pass positions to lookups), the
// runtime (replaced per render) and Context. They are stable in 3.2.x, the last release line.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** A node of the parsed template; `lineno` and `colno` count from 0. */
export interface TemplateNode {
  readonly typename: string;
  readonly lineno: number;
  readonly colno: number;
  readonly fields: readonly string[];
}

/** Compile-time scope: names bound by set, for and macro arguments resolve to JS variables. */
export interface CompileFrame {
  lookup(name: string): string | undefined;
}

export interface CompilerInstance {
  compile(node: TemplateNode, frame?: CompileFrame): void;
  compileFilter(node: TemplateNode, frame: CompileFrame): void;
  getCode(): string;
  _emit(code: string): void;
  _compileExpression(node: TemplateNode, frame: CompileFrame): void;
}

export type CompilerClass = new (templateName: string, throwOnUndefined: boolean) => CompilerInstance;

/** What `new Function(code)()` returns: `root` renders, `b_<name>` are the blocks. */
export type RenderFunction = (
  env: unknown,
  context: unknown,
  frame: unknown,
  runtime: unknown,
  cb: (error: Error | null | undefined, output?: string) => void,
) => void;

export interface FrameInstance {
  topLevel: boolean;
  lookup(name: string): unknown;
}

export interface TemplateContext {
  readonly ctx: Record<string, unknown>;
}

export type ContextClass = new (
  ctx: Record<string, unknown>,
  blocks: Record<string, RenderFunction>,
  env: unknown,
) => TemplateContext;

export interface NunjucksEnvironment {
  readonly opts: Record<string, unknown>;
  readonly filters: Record<string, (...args: unknown[]) => unknown>;
  readonly tests: Record<string, unknown>;
  readonly globals: Record<string, unknown>;
  getFilter(name: string): (...args: unknown[]) => unknown;
  addFilter(name: string, filter: (...args: never[]) => unknown): void;
}

export interface NunjucksRuntime {
  readonly Frame: new () => FrameInstance;
  makeMacro(argNames: string[], kwargNames: string[], body: (...args: unknown[]) => unknown): () => unknown;
}

interface Nunjucks {
  readonly Environment: new (
    loaders: readonly unknown[],
    opts: { autoescape: boolean; throwOnUndefined: boolean },
  ) => NunjucksEnvironment;
  readonly parser: { parse(source: string, extensions: readonly unknown[], opts: unknown): TemplateNode };
  readonly compiler: { readonly Compiler: CompilerClass };
  readonly runtime: NunjucksRuntime;
  readonly Template: new (
    source: { type: 'code'; obj: { root: RenderFunction } },
    env: NunjucksEnvironment,
  ) => { render(ctx: object): string };
}

export const nunjucks = require('nunjucks') as Nunjucks;

/** nunjucks exports no Context; the class is read off the one a render creates. */
function contextClass(): ContextClass {
  let found: unknown;
  const root: RenderFunction = (_env, context, _frame, _runtime, cb) => {
    found = (context as object).constructor;
    cb(null, '');
  };
  new nunjucks.Template(
    { type: 'code', obj: { root } },
    new nunjucks.Environment([], { autoescape: true, throwOnUndefined: true }),
  ).render({});
  if (typeof found !== 'function') throw new Error('nunjucks did not hand its Context to the render function');
  return found as ContextClass;
}

export const Context = contextClass();

/** A field of a node (`value`, `target`, `children`, ...). */
export const fieldOf = (node: TemplateNode, name: string): unknown => Reflect.get(node, name);

export function isNode(value: unknown): value is TemplateNode {
  return typeof value === 'object' && value !== null && typeof Reflect.get(value, 'typename') === 'string';
}

/** The node's direct children, in source order. */
export function childrenOf(node: TemplateNode): TemplateNode[] {
  return node.fields.flatMap((name) => {
    const value = fieldOf(node, name);
    if (Array.isArray(value)) return value.filter(isNode);
    return isNode(value) ? [value] : [];
  });
}

/** Every node of the tree, parents before children. */
export function* walk(node: TemplateNode): Generator<TemplateNode> {
  yield node;
  for (const child of childrenOf(node)) yield* walk(child);
}
