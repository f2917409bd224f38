import { ValidationError, type FieldIssue } from '../errors.ts';

/** Where each fact's instant sits in the request (dotted path) and its value, when sent. */
export type FactInstants = Readonly<Record<string, string | number | Date | null | undefined>>;

/**
 * Instants saying when something happened, later than `now` by more than `clockSkewMs`: a fact
 * cannot be dated in the future, but the sender's clock may run a little ahead of ours.
 * Unparsable or absent values are not reported here (the schema answers for their format).
 */
export function futureFactIssues(
  instants: FactInstants,
  now: Date,
  clockSkewMs: number,
  location: FieldIssue['location'] = 'body',
): FieldIssue[] {
  const latest = now.getTime() + clockSkewMs;
  const issues: FieldIssue[] = [];
  for (const [path, value] of Object.entries(instants)) {
    if (value === null || value === undefined) continue;
    const time = value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
    if (Number.isFinite(time) && time > latest) {
      issues.push({
        path,
        message: `must not be after ${new Date(latest).toISOString()} (now plus ${clockSkewMs} ms of clock skew): a fact cannot be dated in the future`,
        location,
      });
    }
  }
  return issues;
}

/** Throws one VALIDATION_ERROR naming every fact dated after `now` plus the allowed skew. */
export function refuseFutureFacts(
  instants: FactInstants,
  now: Date,
  clockSkewMs: number,
  location: FieldIssue['location'] = 'body',
): void {
  const issues = futureFactIssues(instants, now, clockSkewMs, location);
  if (issues.length > 0)
    throw new ValidationError(`Facts dated in the future: ${issues.map((issue) => issue.path).join(', ')}`, issues);
}
