import type { DomainEvent } from '@bizosaas/event-schemas';
import { kindOfCatalogueType, subjectOfCatalogue } from '../analyses/analysis-kinds.ts';
import type { AnalysisRequest } from '../analyses/create-analysis.ts';

/** An analysis an event asks for, or why none. */
export type TriggerPlan = { request: AnalysisRequest } | { skip: string };

/**
 * Seed 002's flows: a new lead is scored (lead.created -> AI analysis requested -> lead scoring),
 * and any service may ask for an analysis with ai.analysis_requested (its aggregate id becomes the analysis id). Pure: the
 * consumer decides whether the tenant can run it.
 */
export function planTrigger(event: DomainEvent): TriggerPlan {
  switch (event.type) {
    case 'lead.created':
      return {
        request: {
          analysisType: 'lead_scoring',
          subject: { leadId: event.aggregateId },
          options: {},
          priority: 'normal',
        },
      };
    case 'ai.analysis_requested': {
      const kind = kindOfCatalogueType(event.data.analysisType);
      if (!kind) return { skip: `no crew for ${event.data.analysisType}` };
      const subject = subjectOfCatalogue(kind, event.data.subject);
      if (!subject) return { skip: `${event.data.subject.type} is not a subject of ${kind}` };
      return {
        request: {
          analysisType: kind,
          subject,
          options: event.data.parameters as AnalysisRequest['options'],
          priority: event.data.priority,
        },
      };
    }
    default:
      return { skip: 'not a trigger' };
  }
}
