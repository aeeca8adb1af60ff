/**
 * What install and uninstall did, step by step: each object with what happened to it. Lines name objects, never
 * secrets. Running install twice gives a report of `unchanged` lines only.
 */
export type StepOutcome = 'created' | 'updated' | 'unchanged' | 'removed' | 'absent' | 'skipped';

export interface StepRecord {
  object: string;
  outcome: StepOutcome;
  detail?: string;
}

export class InstallReport {
  readonly steps: StepRecord[] = [];
  constructor(private readonly print: (line: string) => void = () => undefined) {}

  record(object: string, outcome: StepOutcome, detail?: string): void {
    this.steps.push({ object, outcome, detail });
    this.print(`  ${outcome.padEnd(9)} ${object}${detail ? ` (${detail})` : ''}`);
  }

  /** True when nothing was created, updated or removed. */
  get unchanged(): boolean {
    return this.changes().length === 0;
  }

  /** Steps that changed something in VCD. */
  changes(): StepRecord[] {
    return this.steps.filter((step) => ['created', 'updated', 'removed'].includes(step.outcome));
  }
}
