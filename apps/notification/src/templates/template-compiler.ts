import {
  fieldOf,
  nunjucks,
  type CompileFrame,
  type NunjucksEnvironment,
  type RenderFunction,
  type TemplateNode,
} from './nunjucks-internals.ts';
import { describe, lenientLookups, problemsOf, type TemplateProblem } from './template-ast.ts';

/** A template parsed, checked and compiled to JavaScript by nunjucks' own compiler. */
export interface CompiledTemplate {
  readonly root: RenderFunction;
  readonly blocks: Record<string, RenderFunction>;
}

/** The template cannot be used: its syntax errors or the problems problemsOf found. */
export class TemplateRejected extends Error {
  constructor(readonly problems: TemplateProblem[]) {
    super(problems.map((problem) => `line ${problem.line}: ${problem.message}`).join('; '));
  }
}

/**
 * nunjucks' compiler, except that every variable and attribute lookup is handed its path, its
 * place and whether it may find nothing (sandbox-runtime.ts decides), and filters record their
 * place so a failing filter is reported on its line.
 */
class SandboxCompiler extends nunjucks.compiler.Compiler {
  constructor(private readonly lenient: WeakSet<TemplateNode>) {
    super('template', true);
  }

  compileSymbol(node: TemplateNode, frame: CompileFrame): void {
    const name = String(fieldOf(node, 'value'));
    const local = frame.lookup(name);
    if (local) return this._emit(local);
    const place = `${node.lineno}, ${node.colno}, ${this.lenient.has(node)}`;
    this._emit(`runtime.contextOrFrameLookup(context, frame, ${JSON.stringify(name)}, ${place})`);
  }

  compileLookupVal(node: TemplateNode, frame: CompileFrame): void {
    const target = fieldOf(node, 'target') as TemplateNode;
    const key = fieldOf(node, 'val') as TemplateNode;
    const at = key.typename === 'Literal' ? key : node;
    this._emit('runtime.memberLookup((');
    this._compileExpression(target, frame);
    this._emit('),');
    this._compileExpression(key, frame);
    const place = `${at.lineno}, ${at.colno}, ${this.lenient.has(node)}`;
    this._emit(`, ${JSON.stringify(describe(target))}, ${place})`);
  }

  override compileFilter(node: TemplateNode, frame: CompileFrame): void {
    this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
    super.compileFilter(node, frame);
    this._emit(')');
  }
}

const syntaxProblem = (error: unknown, source: string): TemplateProblem => {
  const lineno: unknown = Reflect.get(Object(error) as object, 'lineno');
  const colno: unknown = Reflect.get(Object(error) as object, 'colno');
  const message = error instanceof Error ? error.message : String(error);
  // An unterminated tag fails at the end of the text, where nunjucks gives no position.
  if (typeof lineno !== 'number') return { message, line: source.split('\n').length, column: 1 };
  return { message, line: lineno, column: typeof colno === 'number' ? colno : 1 };
};

/** @throws TemplateRejected on a syntax error or any problem of problemsOf. */
export function compileTemplate(source: string, env: NunjucksEnvironment): CompiledTemplate {
  let ast: TemplateNode;
  try {
    ast = nunjucks.parser.parse(source, [], env.opts);
  } catch (error) {
    throw new TemplateRejected([syntaxProblem(error, source)]);
  }
  const problems = problemsOf(ast, env);
  if (problems.length > 0) throw new TemplateRejected(problems);
  const compiler = new SandboxCompiler(lenientLookups(ast));
  try {
    compiler.compile(ast);
  } catch (error) {
    throw new TemplateRejected([syntaxProblem(error, source)]);
  }
  // eslint-disable-next-line @typescript-eslint/no-implied-eval -- nunjucks compiles templates to JavaScript; this is its compiler's output, in which template text appears only as escaped string literals
  const factory = new Function(compiler.getCode()) as () => Record<string, RenderFunction>;
  const props = factory();
  const blocks = Object.fromEntries(
    Object.entries(props)
      .filter(([name]) => name.startsWith('b_'))
      .map(([name, block]) => [name.slice(2), block]),
  );
  return { root: props['root']!, blocks };
}
