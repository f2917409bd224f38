import type { z } from 'zod';
import { defineCatalogue, type EventOf } from '../define-catalogue.ts';
import { agentTaskAssigned, agentTaskCompleted, agentTaskFailed } from './agent-events.ts';
import { aiAnalysisCompleted, aiAnalysisFailed, aiAnalysisRequested, aiAnalysisStarted } from './ai-events.ts';
import { analyticsReportReady } from './analytics-events.ts';
import {
  campaignBudgetUpdated,
  campaignCompleted,
  campaignCreated,
  campaignLaunched,
  campaignOptimized,
  campaignPaused,
  campaignResumed,
  campaignScheduled,
} from './campaign-events.ts';
import {
  campaignAbWinnerSelected,
  campaignExecutionCompleted,
  campaignExecutionPaused,
  campaignExecutionResumed,
  campaignExecutionStarted,
  campaignMessageSent,
  campaignPacingLimitReached,
  campaignRecipientEnrolled,
  campaignSpendRecorded,
} from './campaign-execution-events.ts';
import {
  customerChurnRiskUpdated,
  customerCreated,
  customerPreferencesUpdated,
  customerProfileUpdated,
  customerPurchaseRecorded,
  customerTierUpgraded,
} from './customer-events.ts';
import {
  leadContacted,
  leadContactUpdated,
  leadConverted,
  leadCreated,
  leadDisqualified,
  leadInteractionRecorded,
  leadLost,
  leadMarkedForNurturing,
  leadQualified,
  leadScored,
} from './lead-events.ts';
import {
  integrationAdMetricsSynced,
  integrationConnectionBroken,
  integrationConnectionCreated,
  integrationConnectionDeleted,
  integrationRecordsChanged,
  integrationSyncCompleted,
  integrationSyncFailed,
  integrationSyncStarted,
  integrationWebhookReceived,
} from './integration-events.ts';
import {
  notificationBounced,
  notificationClicked,
  notificationDelivered,
  notificationFailed,
  notificationOpened,
  notificationRequested,
  notificationScheduled,
  notificationSent,
  notificationSuppressed,
} from './notification-events.ts';
import { tenantCreated, tenantSubscriptionChanged } from './tenant-events.ts';
import { userCreated, userDeactivated, userUpdated } from './user-events.ts';

/** Every event type of the platform (seed 002's catalogue), keyed by type. */
export const eventCatalogue = defineCatalogue([
  userCreated,
  userUpdated,
  userDeactivated,
  tenantCreated,
  tenantSubscriptionChanged,
  leadCreated,
  leadQualified,
  leadConverted,
  leadContacted,
  leadContactUpdated,
  leadScored,
  leadDisqualified,
  leadLost,
  leadInteractionRecorded,
  leadMarkedForNurturing,
  customerCreated,
  customerProfileUpdated,
  customerPreferencesUpdated,
  customerPurchaseRecorded,
  customerTierUpgraded,
  customerChurnRiskUpdated,
  campaignCreated,
  campaignLaunched,
  campaignOptimized,
  campaignScheduled,
  campaignPaused,
  campaignResumed,
  campaignCompleted,
  campaignBudgetUpdated,
  campaignExecutionStarted,
  campaignExecutionPaused,
  campaignExecutionResumed,
  campaignExecutionCompleted,
  campaignRecipientEnrolled,
  campaignMessageSent,
  campaignSpendRecorded,
  campaignPacingLimitReached,
  campaignAbWinnerSelected,
  aiAnalysisRequested,
  aiAnalysisStarted,
  aiAnalysisCompleted,
  aiAnalysisFailed,
  agentTaskAssigned,
  agentTaskCompleted,
  agentTaskFailed,
  notificationRequested,
  notificationSuppressed,
  notificationScheduled,
  notificationSent,
  notificationDelivered,
  notificationOpened,
  notificationClicked,
  notificationBounced,
  notificationFailed,
  integrationConnectionCreated,
  integrationConnectionBroken,
  integrationConnectionDeleted,
  integrationSyncStarted,
  integrationSyncCompleted,
  integrationSyncFailed,
  integrationRecordsChanged,
  integrationAdMetricsSynced,
  integrationWebhookReceived,
  analyticsReportReady,
]);

export type PlatformCatalogue = typeof eventCatalogue;
export type EventType = keyof PlatformCatalogue;
/** Any platform event, discriminated by `type` (switch on it to narrow `data`). */
export type DomainEvent = EventOf<PlatformCatalogue>;
export type EventData<T extends EventType> = z.output<PlatformCatalogue[T]['data']>;
