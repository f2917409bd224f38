import { isForbiddenName, keyPart } from './template-ast.ts';
import { nunjucks, type FrameInstance, type TemplateContext } from './nunjucks-internals.ts';

/** A render that failed at a place in the template (1-based line and column). */
export class RenderFailure extends Error {
  constructor(
    message: string,
    readonly lineno: number,
    readonly colno: number,
    /** The path that had no value (`user.firstName`), when that is why. */
    readonly variable?: string,
  ) {
    super(message);
  }
}

/**
 * `strict` renders real data: a lookup that finds nothing fails naming its path. `sample` renders
 * with data that does not exist yet (saving a template): every missing name resolves to SAMPLE.
 */
export type RenderMode = 'strict' | 'sample';

const sampleTarget: unknown[] = [];
/**
 * Stands for any value when a template is test-rendered: a one-element list of itself that reads
 * as "sample", has every attribute and every string method, and counts as 1.
 */
export const SAMPLE: unknown = new Proxy(sampleTarget, {
  get(target, key, receiver) {
    if (key === Symbol.toPrimitive) return (hint: string) => (hint === 'number' ? 1 : 'sample');
    if (key === 'toString' || key === 'toJSON') return () => 'sample';
    if (typeof key === 'symbol' || key in target) return Reflect.get(target, key, receiver) as unknown;
    return key in String.prototype ? () => SAMPLE : SAMPLE;
  },
});
sampleTarget.push(SAMPLE);

// Methods that would change the caller's data in place (the same data renders every recipient).
const MUTATORS = new Set(['push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);

/** Loop iterations and calls one render may make: enough for a digest of a thousand items, not for a runaway. */
export const RENDER_BUDGET = 200_000;
// Rendering is synchronous (no async filters), so one counter serves every render in turn.
let spent = 0;
export const resetBudget = (): void => {
  spent = 0;
};
function spend(units: number, line: number, column: number): void {
  spent += units;
  if (spent > RENDER_BUDGET)
    throw new RenderFailure(`the template does more than ${RENDER_BUDGET} loop iterations and calls`, line, column);
}

/** A function that reads as "function" when printed or joined, not as its source. */
export function opaque<F extends (...args: never[]) => unknown>(fn: F): F {
  return Object.defineProperty(fn, 'toString', { value: () => 'function' });
}

const missing = (path: string, line: number, column: number) =>
  new RenderFailure(`'${path}' is undefined`, line, column, path);

const sizeOf = (value: unknown): number => {
  if (Array.isArray(value) || typeof value === 'string') return value.length;
  return typeof value === 'object' && value !== null ? Object.keys(value).length : 0;
};

/**
 * The runtime the compiled templates call (template-compiler.ts passes each lookup its path and
 * place): the nunjucks runtime with lookups that refuse to reach prototypes, constructors, function
 * attributes and in-place mutation, that fail on a missing name unless the place tolerates it, and
 * that count the work a render does.
 */
export function sandboxRuntime(mode: RenderMode, globals: Record<string, unknown>): object {
  const base = nunjucks.runtime;
  let line = 1;
  let column = 1;
  const at = (lineno: number, colno: number) => {
    [line, column] = [lineno + 1, colno + 1];
  };
  return Object.assign(Object.create(base) as object, {
    contextOrFrameLookup(
      context: TemplateContext,
      frame: FrameInstance,
      name: string,
      lineno: number,
      colno: number,
      lenient: boolean,
    ): unknown {
      at(lineno, colno);
      if (isForbiddenName(name)) throw new RenderFailure(`'${name}' is not accessible in templates`, line, column);
      const local = frame.lookup(name);
      if (local !== undefined) return local;
      if (Object.hasOwn(context.ctx, name) && context.ctx[name] !== undefined) return context.ctx[name];
      if (Object.hasOwn(globals, name)) return globals[name];
      if (lenient) return undefined;
      if (mode === 'sample') return SAMPLE;
      throw missing(name, line, column);
    },
    memberLookup(obj: unknown, key: unknown, target: string, lineno: number, colno: number, lenient: boolean): unknown {
      at(lineno, colno);
      // A SafeString or number key is read as the property name it becomes.
      const name = typeof key === 'number' ? key : String(key);
      const path = target + keyPart(name);
      if (obj === undefined || obj === null) {
        if (lenient) return undefined;
        throw missing(path, line, column);
      }
      if (typeof obj === 'function') throw new RenderFailure(`'${path}': functions have no attributes`, line, column);
      const owner = Object(obj) as object;
      // Own properties are the data; inherited ones lead to prototypes or change the data in place.
      const inherited = typeof name === 'string' && !Object.hasOwn(owner, name);
      if (inherited && (isForbiddenName(name) || (Array.isArray(obj) && MUTATORS.has(name))))
        throw new RenderFailure(`'${path}' is not accessible in templates`, line, column);
      const value: unknown = Reflect.get(owner, name);
      if (value === undefined) {
        if (lenient) return undefined;
        if (mode === 'sample') return SAMPLE;
        throw missing(path, line, column);
      }
      if (typeof value !== 'function') return value;
      return opaque((...args: unknown[]): unknown => Reflect.apply(value, obj, args));
    },
    ensureDefined(value: unknown, lineno: number, colno: number): unknown {
      if (value === undefined) throw new RenderFailure('the expression has no value', lineno + 1, colno + 1);
      if (typeof value === 'function')
        throw new RenderFailure('a function cannot be printed (call it)', lineno + 1, colno + 1);
      return value;
    },
    makeMacro(...args: Parameters<typeof base.makeMacro>): unknown {
      return opaque(base.makeMacro(...args));
    },
    callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
      spend(1, line, column);
      if (typeof fn !== 'function') throw new RenderFailure(`'${name}' is not a function`, line, column);
      return Reflect.apply(fn, context, args);
    },
    fromIterator(value: unknown): unknown {
      spend(sizeOf(value), line, column);
      return Array.isArray(value) || typeof value !== 'object' || value === null || !(Symbol.iterator in value)
        ? value
        : Array.from(value as Iterable<unknown>);
    },
    handleError(error: unknown, lineno: number, colno: number): RenderFailure {
      if (error instanceof RenderFailure) return error;
      const message = error instanceof Error ? error.message : String(error);
      return new RenderFailure(message, lineno + 1, colno + 1);
    },
  });
}
