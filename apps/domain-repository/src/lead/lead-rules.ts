import { BusinessRuleViolation, TenantIsolationError, type Command } from '@bizosaas/ddd-kernel';
import type { Lead, LeadState } from './lead.ts';
import { OPEN_STATUSES, type LeadStatus } from './lead-values.ts';

/** Every lead command names its lead. */
export type LeadCommand<T extends string, D> = Command<T, D & { readonly leadId: string }>;

/**
 * The lead the command is about. A stream with no events is a missing lead or another
 * tenant's (RLS hides it): both answer the same 404 so nothing leaks.
 */
export function existingLead(state: LeadState, command: LeadCommand<string, object>): Lead {
  if (state.status === 'none') throw new TenantIsolationError(command.metadata.tenantId ?? '');
  return state;
}

/** 422 with what the client needs to understand the refusal: rule, currentStatus, leadId. */
export function transitionRefused(rule: string, message: string, lead: Lead, leadId: string): BusinessRuleViolation {
  return new BusinessRuleViolation(rule, message, { currentStatus: lead.status, leadId });
}

export function requireStatus(
  lead: Lead,
  allowed: readonly LeadStatus[],
  rule: string,
  action: string,
  leadId: string,
): void {
  if (!allowed.includes(lead.status)) {
    throw transitionRefused(rule, `Cannot ${action} a lead that is ${lead.status}`, lead, leadId);
  }
}

export const requireOpen = (lead: Lead, rule: string, action: string, leadId: string) =>
  requireStatus(lead, OPEN_STATUSES, rule, action, leadId);
