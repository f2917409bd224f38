import { DateTime } from 'luxon';
import { nunjucks, type NunjucksEnvironment } from './nunjucks-internals.ts';
import { opaque, SAMPLE, sandboxRuntime, type RenderMode } from './sandbox-runtime.ts';

/** The most a width (`center`, `indent`) or a count (`slice`, `range`) may ask for. */
export const MAX_SIZE_ARGUMENT = 10_000;

/**
 * `{{ placedAt | date('d LLL yyyy', 'Europe/Berlin', 'de') }}`: an ISO 8601 text, a Date or epoch
 * milliseconds, formatted with luxon's tokens in a zone (default UTC) and a locale (default en).
 */
export function formatDate(value: unknown, format = 'yyyy-LL-dd', zone = 'utc', locale = 'en'): string {
  const parsed =
    value instanceof Date
      ? DateTime.fromJSDate(value)
      : typeof value === 'number'
        ? DateTime.fromMillis(value)
        : DateTime.fromISO(String(value), { setZone: true });
  if (!parsed.isValid) throw new Error(`date: ${JSON.stringify(value)} is not an ISO 8601 date or epoch milliseconds`);
  const local = parsed.setZone(String(zone)).setLocale(String(locale));
  if (!local.isValid) throw new Error(`date: '${String(zone)}' is not a time zone`);
  return local.toFormat(String(format));
}

function boundedRange(start: number, stop?: number, step = 1): number[] {
  const [from, to] = stop === undefined ? [0, start] : [start, stop];
  const count = Math.ceil((to - from) / step);
  if (!Number.isFinite(count) || count > MAX_SIZE_ARGUMENT)
    throw new Error(`range: more than ${MAX_SIZE_ARGUMENT} numbers`);
  return Array.from({ length: Math.max(count, 0) }, (_, index) => from + index * step);
}

// Filters whose second argument sizes what they build.
const SIZED_FILTERS = ['center', 'indent', 'slice'];

function createEnvironment(): NunjucksEnvironment {
  // An empty loader list: given none at all, nunjucks would read templates from ./views.
  const env = new nunjucks.Environment([], { autoescape: true, throwOnUndefined: true });
  env.addFilter('date', formatDate);
  for (const name of SIZED_FILTERS) {
    const filter = env.filters[name]!;
    env.addFilter(name, function sized(this: unknown, value: unknown, size: unknown, ...rest: unknown[]) {
      if (typeof size === 'number' && Math.abs(size) > MAX_SIZE_ARGUMENT)
        throw new Error(`${name}: ${size} is over ${MAX_SIZE_ARGUMENT}`);
      return filter.call(this, value, size, ...rest);
    });
  }
  for (const [name, global] of Object.entries({ ...env.globals, range: boundedRange }))
    if (typeof global === 'function')
      env.globals[name] = opaque((...args: unknown[]): unknown => Reflect.apply(global, undefined, args));
  return env;
}

/** The one environment: nunjucks' built-in filters and tests plus `date`; no loader. */
export const environment = createEnvironment();

const holdsSample = (value: unknown): boolean =>
  value === SAMPLE ||
  (typeof value === 'object' &&
    value !== null &&
    Object.hasOwn(value, '__keywords') &&
    Object.values(value).includes(SAMPLE));

/** In a test render a filter given a sample value answers a sample value: its real input does not exist yet. */
function sampleFilters(env: NunjucksEnvironment): Pick<NunjucksEnvironment, 'getFilter'> {
  return {
    getFilter(name: string) {
      const filter = env.getFilter(name);
      return function sampled(this: unknown, ...args: unknown[]) {
        return args.some(holdsSample) ? SAMPLE : filter.apply(this, args);
      };
    },
  };
}

export interface RenderSetting {
  /** What the compiled code reads as `env`: filters, tests and `opts.autoescape`. */
  readonly env: object;
  readonly runtime: object;
}

function settingOf(mode: RenderMode, autoescape: boolean): RenderSetting {
  const env = Object.assign(Object.create(environment) as object, {
    opts: { ...environment.opts, autoescape },
    ...(mode === 'sample' && sampleFilters(environment)),
  });
  return { env, runtime: sandboxRuntime(mode, environment.globals) };
}

/** The four ways a template renders: real data or samples, HTML (escaped) or text. */
export const settings: Record<RenderMode, Record<'html' | 'text', RenderSetting>> = {
  strict: { html: settingOf('strict', true), text: settingOf('strict', false) },
  sample: { html: settingOf('sample', true), text: settingOf('sample', false) },
};
