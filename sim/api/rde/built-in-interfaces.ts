/**
 * RDE interfaces Cloud Director ships with. `vmware:k8s:1.0.0` is the Kubernetes interface that CSE 4.2's cluster
 * type implements: terraform-provider-vcd's CSE 4.2 installation reads it with a data source instead of creating it
 * (`examples/container-service-extension/v4.2/install/step1/3.11-cse-install-2-cse-server-prerequisites.tf`), and
 * go-vcloud-director's tests create types on it without creating it, finding one inherited behaviour,
 * `createKubeConfig` (execution `{type: Activity, id: CreateKubeConfigActivity}`, description "Creates and returns a
 * kubeconfig": `govcd/defined_entity_test.go`). Its name and `readonly` flag are guesses.
 */
import type { RdeState } from './rde-state.ts';
import { interfaceBehaviorUrn, interfaceUrn } from './urns.ts';

const kubernetes = { vendor: 'vmware', nss: 'k8s', version: '1.0.0' };

export function seedBuiltInInterfaces(state: RdeState): void {
  const id = interfaceUrn(kubernetes);
  state.interfaces[id] = { id, name: 'Kubernetes', description: null, ...kubernetes, readonly: true };
  const behaviourId = interfaceBehaviorUrn('createKubeConfig', kubernetes);
  state.behaviors[behaviourId] = {
    id: behaviourId,
    ref: behaviourId,
    name: 'createKubeConfig',
    description: 'Creates and returns a kubeconfig',
    execution: { type: 'Activity', id: 'CreateKubeConfigActivity' },
    ownerId: id,
  };
}
