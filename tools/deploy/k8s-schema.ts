import { Deployment, StatefulSet } from 'kubernetes-models/apps/v1';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2';
import { Job } from 'kubernetes-models/batch/v1';
import { Ingress, NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1';
import { ConfigMap, Namespace, Secret, Service, ServiceAccount } from 'kubernetes-models/v1';
import type { K8sObject } from './kustomize.ts';

interface ModelClass {
  apiVersion: string;
  kind: string;
  new (data: never): { validate(): void };
}

// Every kind the manifests use; a new kind must be added here to be validated.
const MODELS: readonly ModelClass[] = [
  ConfigMap,
  Deployment,
  HorizontalPodAutoscaler,
  Ingress,
  Job,
  Namespace,
  NetworkPolicy,
  PodDisruptionBudget,
  Secret,
  Service,
  ServiceAccount,
  StatefulSet,
];

/** Validates one object against the Kubernetes 1.27 OpenAPI schema; throws naming the object. */
export function validateK8sObject(obj: K8sObject): void {
  const id = `${obj.kind}/${obj.metadata?.name ?? '?'}`;
  const Model = MODELS.find((model) => model.apiVersion === obj.apiVersion && model.kind === obj.kind);
  if (!Model) throw new Error(`${id}: no schema for ${obj.apiVersion} ${obj.kind} (add it to k8s-schema.ts)`);
  try {
    new Model(obj as never).validate();
  } catch (error) {
    throw new Error(`${id}: ${(error as Error).message}`, { cause: error });
  }
}
