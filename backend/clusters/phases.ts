/** The ordered phases of each operation. Their names are what `status.operation.step` shows. */
import type { Phase } from './scope.ts';
import { followBootstrap } from './steps/bootstrap-progress.ts';
import { bootstrapVm } from './steps/bootstrap-vm.ts';
import { contour } from './steps/contour.ts';
import { controlPlaneEndpoint } from './steps/control-plane-endpoint.ts';
import { ingressEndpoint } from './steps/ingress-endpoint.ts';
import { markReady } from './steps/ready.ts';
import { removeBootstrapVm } from './steps/remove-bootstrap-vm.ts';

export interface NamedPhase {
  name: string;
  run: Phase;
  /** Condition set True when the phase is done. */
  condition: string;
}

export const createPhases: readonly NamedPhase[] = [
  { name: 'control-plane-endpoint', run: controlPlaneEndpoint, condition: 'ControlPlaneEndpointReady' },
  { name: 'bootstrap-vm', run: bootstrapVm, condition: 'BootstrapVmCreated' },
  { name: 'bootstrap', run: followBootstrap, condition: 'ControlPlaneReady' },
  { name: 'contour', run: contour, condition: 'ContourReady' },
  { name: 'ingress-endpoint', run: ingressEndpoint, condition: 'IngressReady' },
  { name: 'remove-bootstrap-vm', run: removeBootstrapVm, condition: 'BootstrapVmRemoved' },
  { name: 'ready', run: markReady, condition: 'Ready' },
];

/** The step a waiting create sits in without needing the lease (reading status decides). */
export const WAITING_STEP = 'bootstrap';

export const createStepNames = createPhases.map((phase) => phase.name);
