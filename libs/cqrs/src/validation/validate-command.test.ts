import { BusinessRuleViolation, specification, ValidationError } from '@bizosaas/ddd-kernel';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineCommand } from '../command/command-definition.ts';
import { createCommandBus } from '../command/command-bus.ts';
import { validateWith } from './validate-with.ts';

const registerLead = z.object({
  leadId: z.uuid(),
  contact: z.object({ email: z.email(), firstName: z.string().trim().min(1) }),
  score: z.number().int().min(0).max(100).default(0),
});

async function failureOf(run: Promise<unknown>): Promise<unknown> {
  try {
    await run;
  } catch (error) {
    return error;
  }
  throw new Error('expected the command to fail');
}

describe('validation middleware', () => {
  const calls = { validators: 0, handler: 0 };
  const known = new Set(['taken@example.com']);
  const notDuplicate = specification<string>('lead.email_unique', (email) => !known.has(email), (email) => ({
    reason: `a lead with ${email} exists`,
    details: { email },
  }));
  const bus = createCommandBus().register(
    defineCommand({
      type: 'lead.register',
      schema: registerLead,
      validators: [
        async (command) => {
          calls.validators += 1;
          return command.data.score > 50 ? [{ rule: 'lead.initial_score', reason: 'initial score above 50 needs review' }] : [];
        },
        validateWith(notDuplicate, async (command) => {
          calls.validators += 1;
          return command.data.contact.email;
        }),
        () => {
          calls.validators += 1;
          return [];
        },
      ],
      handle: async (command) => {
        calls.handler += 1;
        return command.data;
      },
    }),
  );
  const metadata = { now: new Date('2025-03-01T10:00:00Z') };
  const leadId = '0195f0a0-0000-7000-8000-00000000000a';

  it('reports every schema issue in one VALIDATION_ERROR and runs no business validator', async () => {
    calls.validators = 0;
    const error = await failureOf(
      bus.execute({ type: 'lead.register', data: { leadId: 'nope', contact: { email: 'x', firstName: ' ' }, score: 101 }, metadata }),
    );
    expect(error).toBeInstanceOf(ValidationError);
    const issues = (error as ValidationError).details.issues as { path: string }[];
    expect(issues.map((i) => i.path)).toEqual(['leadId', 'contact.email', 'contact.firstName', 'score']);
    expect((error as ValidationError).message).toMatch(/^Invalid lead.register: leadId: /);
    expect(calls).toMatchObject({ validators: 0, handler: 0 });
  });

  it('runs every business validator and reports all failures in one BUSINESS_RULE_VIOLATION', async () => {
    calls.validators = 0;
    const data = { leadId, contact: { email: 'taken@example.com', firstName: 'Ada' }, score: 80 };
    const error = await failureOf(bus.execute({ type: 'lead.register', data, metadata }));
    expect(error).toBeInstanceOf(BusinessRuleViolation);
    expect((error as BusinessRuleViolation).details).toEqual({
      rule: 'lead.initial_score',
      violations: [
        { rule: 'lead.initial_score', reason: 'initial score above 50 needs review' },
        { rule: 'lead.email_unique', reason: 'a lead with taken@example.com exists', details: { email: 'taken@example.com' } },
      ],
    });
    expect(calls).toMatchObject({ validators: 3, handler: 0 });
  });

  it('hands the parsed data (trimmed, defaults applied) to the handler', async () => {
    const result = await bus.execute({ type: 'lead.register', data: { leadId, contact: { email: 'ada@example.com', firstName: ' Ada ' } }, metadata });
    expect(result).toEqual({ leadId, contact: { email: 'ada@example.com', firstName: 'Ada' }, score: 0 });
  });
});
