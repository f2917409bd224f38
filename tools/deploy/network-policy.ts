import type { INetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { selects } from './label-selector.ts';

type Labels = Record<string, string>;

function ingressRulesFor(policies: readonly INetworkPolicy[], target: Labels) {
  const applying = policies.filter(
    (policy) =>
      policy.spec !== undefined &&
      (policy.spec.policyTypes ?? ['Ingress']).includes('Ingress') &&
      selects(policy.spec.podSelector, target),
  );
  return { isolated: applying.length > 0, rules: applying.flatMap((policy) => policy.spec?.ingress ?? []) };
}

/**
 * Whether a pod labelled `source`, in the same namespace, may open a connection to a pod
 * labelled `target` (ports aside). A peer with a namespaceSelector names other namespaces.
 */
export function allowsFromPod(policies: readonly INetworkPolicy[], source: Labels, target: Labels): boolean {
  const { isolated, rules } = ingressRulesFor(policies, target);
  if (!isolated) return true;
  return rules.some(
    (rule) =>
      !rule.from?.length ||
      rule.from.some((peer) => peer.podSelector && !peer.namespaceSelector && selects(peer.podSelector, source)),
  );
}

/** Whether anything outside the namespace (an ingress controller, any address) may reach `target`. */
export function allowsFromOutside(policies: readonly INetworkPolicy[], target: Labels): boolean {
  const { isolated, rules } = ingressRulesFor(policies, target);
  if (!isolated) return true;
  return rules.some((rule) => !rule.from?.length || rule.from.some((peer) => peer.ipBlock !== undefined));
}
