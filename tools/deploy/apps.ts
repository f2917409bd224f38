/** The nine deployable services and their ports (DESIGN.md), as every deployment file must show them. */
export const APPS = [
  { name: 'api-gateway', port: 8080 },
  { name: 'ai-agents', port: 8000 },
  { name: 'user-management', port: 8001 },
  { name: 'campaign', port: 8002 },
  { name: 'analytics', port: 8003 },
  { name: 'integration', port: 8004 },
  { name: 'notification', port: 8005 },
  { name: 'event-bus', port: 8009 },
  { name: 'domain-repository', port: 8011 },
] as const;

export type AppName = (typeof APPS)[number]['name'];

export const GATEWAY: AppName = 'api-gateway';

/** Services every other service may call (events and JWKS); the rest only hear the gateway. */
export const SHARED_SERVICES: readonly AppName[] = ['event-bus', 'user-management'];
