import type { Rule, RuleEventType, RuleRecipient } from './rule.ts';

/**
 * Churn risk from this score up is high or critical: the threshold of domain-repository's
 * at-risk customer list (`minChurnRisk` 70).
 */
export const HIGH_CHURN_RISK = 70;

const builtIn = (
  id: string,
  eventType: RuleEventType,
  templateKey: string,
  recipient: RuleRecipient,
  when: Rule['when'] = null,
): Rule => ({
  id,
  eventType,
  templateKey,
  recipient,
  channels: null,
  when,
  enabled: true,
  builtIn: true,
  createdAt: null,
  updatedAt: null,
});

const actor = { type: 'actor' } as const;

/**
 * The rules every tenant has until it writes its own for the same eventType and templateKey
 * (enabled false switches one off). Their ids are fixed, so a message names the same rule in
 * every tenant and every release.
 */
export const DEFAULT_RULES: readonly Rule[] = [
  builtIn('00000000-0000-4000-8000-00000000a001', 'user.created', 'welcome', { type: 'subject_user' }),
  builtIn('00000000-0000-4000-8000-00000000a002', 'lead.qualified', 'lead-qualified', actor),
  builtIn('00000000-0000-4000-8000-00000000a003', 'lead.converted', 'lead-converted', actor),
  builtIn('00000000-0000-4000-8000-00000000a004', 'campaign.launched', 'campaign-launched', actor),
  builtIn('00000000-0000-4000-8000-00000000a005', 'campaign.completed', 'campaign-completed', actor),
  // Once when the risk rises into the high band, not on every re-assessment inside it.
  builtIn('00000000-0000-4000-8000-00000000a006', 'customer.churn_risk_updated', 'churn-risk', actor, [
    { field: 'newChurnRisk', gte: HIGH_CHURN_RISK },
    { field: 'previousChurnRisk', lt: HIGH_CHURN_RISK },
  ]),
  builtIn('00000000-0000-4000-8000-00000000a007', 'ai.analysis_completed', 'ai-analysis-completed', actor),
  builtIn('00000000-0000-4000-8000-00000000a008', 'ai.analysis_failed', 'ai-analysis-failed', actor),
  // The report's builder is the analytics service: the person to tell is the one who asked.
  builtIn('00000000-0000-4000-8000-00000000a009', 'analytics.report_ready', 'report-ready', {
    type: 'data_user',
    field: 'requestedBy',
  }),
];

const keyOf = (rule: Pick<Rule, 'eventType' | 'templateKey'>) => `${rule.eventType} ${rule.templateKey}`;

/** The tenant's rules and the defaults it has not replaced (same eventType and templateKey). */
export function withDefaults(tenantRules: readonly Rule[]): Rule[] {
  const replaced = new Set(tenantRules.map(keyOf));
  return [...tenantRules, ...DEFAULT_RULES.filter((rule) => !replaced.has(keyOf(rule)))];
}

export const findDefaultRule = (id: string): Rule | undefined => DEFAULT_RULES.find((rule) => rule.id === id);
