import { describeIssues, fieldIssuesOf, isNonEmpty, ruleViolation, ValidationError } from '@bizosaas/ddd-kernel';
import type { CommandMiddleware } from '../command/middleware.ts';

/**
 * Validation in two stages. First the definition's zod schema: every issue in one
 * VALIDATION_ERROR (400), and nothing else runs. Then every business validator, together:
 * every failure in one BUSINESS_RULE_VIOLATION (422). The handler gets the parsed data.
 */
export const validateCommand: CommandMiddleware = async (command, next, definition) => {
  const parsed = await definition.schema.safeParseAsync(command.data);
  if (!parsed.success) {
    const issues = fieldIssuesOf(parsed.error);
    throw new ValidationError(`Invalid ${command.type}: ${describeIssues(issues)}`, issues);
  }
  const valid = { ...command, data: parsed.data };
  const results = await Promise.all((definition.validators ?? []).map(async (validator) => validator(valid)));
  const failures = results.flat();
  if (isNonEmpty(failures)) throw ruleViolation(failures);
  return next(valid);
};
