import { bootstrapPhaseNames } from '../../backend/bootstrap/phases.ts';
import { describeBootstrapFaults } from './cluster-bootstrap-faults.ts';

describeBootstrapFaults(bootstrapPhaseNames.slice(0, 6));
