import { fieldOf, isNode, walk, type TemplateNode } from './nunjucks-internals.ts';

/** Something a template may not contain, at a 1-based line and column. */
export interface TemplateProblem {
  message: string;
  line: number;
  column: number;
}

/** What a template may use: the environment's filters and tests. */
export interface Vocabulary {
  readonly filters: Record<string, unknown>;
  readonly tests: Record<string, unknown>;
}

// Templates are standalone: no loader is configured, and these tags would reach for one.
const LOADING_TAGS: Record<string, string> = {
  Include: 'include',
  Import: 'import',
  FromImport: 'from ... import',
  Extends: 'extends',
};

/**
 * Names that lead from a value to its prototype or constructor (and from there to Function). A
 * template may not spell them; at render time they are refused unless the data itself holds them.
 */
export const isForbiddenName = (name: string): boolean =>
  name === 'constructor' || name === 'prototype' || name.startsWith('__');

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/** `.name` or `[3]` or `["a b"]`: how a key reads after the path it is looked up on. */
export function keyPart(key: unknown): string {
  if (typeof key === 'number') return `[${key}]`;
  const name = String(key);
  return IDENTIFIER.test(name) ? `.${name}` : `[${JSON.stringify(name)}]`;
}

const valueOf = (node: unknown): unknown => (isNode(node) ? fieldOf(node, 'value') : undefined);

/** The name of a Symbol node, or undefined for any other node. */
export const symbolName = (node: unknown): string | undefined =>
  isNode(node) && node.typename === 'Symbol' ? String(valueOf(node)) : undefined;

/** How an expression reads in messages: `user.address.city`, `items[0]`, `format()`. */
export function describe(node: unknown): string {
  if (!isNode(node)) return 'value';
  switch (node.typename) {
    case 'Symbol':
      return String(valueOf(node));
    case 'LookupVal': {
      const key = fieldOf(node, 'val');
      const part = isNode(key) && key.typename === 'Literal' ? keyPart(valueOf(key)) : '[...]';
      return describe(fieldOf(node, 'target')) + part;
    }
    case 'FunCall':
      return `${describe(fieldOf(node, 'name'))}()`;
    default:
      return 'value';
  }
}

/** The test of `x is name` or `x is name(args)`. */
function testName(node: TemplateNode): string | undefined {
  const right = fieldOf(node, 'right');
  return symbolName(right) ?? (isNode(right) ? symbolName(fieldOf(right, 'name')) : undefined);
}

const firstArgument = (filter: TemplateNode): unknown => {
  const args = fieldOf(filter, 'args');
  const children = isNode(args) ? fieldOf(args, 'children') : undefined;
  return Array.isArray(children) ? children[0] : undefined;
};

function problemOf(node: TemplateNode, vocabulary: Vocabulary): string | undefined {
  const tag = LOADING_TAGS[node.typename];
  if (tag) return `'${tag}' is not allowed: a template cannot load other templates`;
  switch (node.typename) {
    case 'Filter': {
      const name = symbolName(fieldOf(node, 'name')) ?? '';
      return Object.hasOwn(vocabulary.filters, name) ? undefined : `unknown filter '${name}'`;
    }
    case 'Is': {
      const name = testName(node) ?? '';
      return Object.hasOwn(vocabulary.tests, name) ? undefined : `unknown test '${name}'`;
    }
    case 'Symbol': {
      const name = String(valueOf(node));
      return isForbiddenName(name) ? `'${name}' is not accessible in templates` : undefined;
    }
    case 'LookupVal': {
      const key = fieldOf(node, 'val');
      const name = isNode(key) && key.typename === 'Literal' ? String(valueOf(key)) : '';
      return isForbiddenName(name) ? `'${name}' is not accessible in templates` : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * What nunjucks itself would notice only while rendering, or never: unknown filters and tests,
 * include/import/extends, and names leading to constructors. In source order.
 */
export function problemsOf(root: TemplateNode, vocabulary: Vocabulary): TemplateProblem[] {
  const problems: TemplateProblem[] = [];
  for (const node of walk(root)) {
    const message = problemOf(node, vocabulary);
    if (message) problems.push({ message, line: node.lineno + 1, column: node.colno + 1 });
  }
  return problems;
}

/**
 * The lookups that may find nothing without failing the render: what `is defined` / `is
 * undefined` tests and what `default` (`d`) falls back from, along the whole path
 * (`user.nickname | default(user.name)` tolerates a missing `user` and `user.nickname`).
 */
export function lenientLookups(root: TemplateNode): WeakSet<TemplateNode> {
  const lenient = new WeakSet<TemplateNode>();
  const mark = (expression: unknown): void => {
    for (let node = expression; isNode(node); node = fieldOf(node, 'target')) {
      if (node.typename !== 'Symbol' && node.typename !== 'LookupVal') return;
      lenient.add(node);
    }
  };
  for (const node of walk(root)) {
    if (node.typename === 'Is' && ['defined', 'undefined'].includes(testName(node) ?? '')) mark(fieldOf(node, 'left'));
    if (node.typename === 'Filter' && ['default', 'd'].includes(symbolName(fieldOf(node, 'name')) ?? ''))
      mark(firstArgument(node));
  }
  return lenient;
}
