import { ValidationError } from '@bizosaas/ddd-kernel';

export const MIN_PASSWORD_LENGTH = 10;

/** Minimum policy: long enough, and not the e-mail address (nor its local part). */
export function assertPasswordPolicy(password: string, email: string, path = 'password'): void {
  const problems: string[] = [];
  if ([...password].length < MIN_PASSWORD_LENGTH) problems.push(`must be at least ${MIN_PASSWORD_LENGTH} characters`);
  const lower = password.toLowerCase();
  const address = email.toLowerCase();
  if (lower === address || lower === address.split('@')[0]) problems.push('must not be the e-mail address');
  if (problems.length > 0) {
    throw new ValidationError(
      'Password does not meet the policy',
      problems.map((message) => ({ path, message, location: 'body' })),
    );
  }
}
