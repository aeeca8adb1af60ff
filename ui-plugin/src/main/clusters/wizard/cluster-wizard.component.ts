import {
  ChangeDetectionStrategy,
  Component,
  CUSTOM_ELEMENTS_SCHEMA,
  OnInit,
  ViewChild,
  computed,
  effect,
  inject,
  signal,
} from '@angular/core';
import { NgTemplateOutlet } from '@angular/common';
import { HttpErrorResponse } from '@angular/common/http';
import { ActivatedRoute, Router } from '@angular/router';
import { ClarityModule, ClrWizard } from '@clr/angular';
import type { FieldError } from '@cse/cluster-spec-rules';
import { describeApiError, fieldErrorsOf, isNetworkError } from '../../api/cse-api';
import { ContainerContext } from '../../container/container-context';
import { type TranslationKey, TranslatePipe, translate } from '../../i18n/translate.pipe';
import { ClusterSubmission, SubmissionError } from './cluster-submission';
import {
  type NodeGroupForm,
  type PoolForm,
  type WizardForm,
  type WizardStep,
  apiTokenName,
  errorsOfStep,
  formErrors,
  initialForm,
  newPool,
  reviewJson,
  stepOfField,
  toClusterSpec,
  wizardSteps,
} from './wizard-form';
import { WizardOptions } from './wizard-options';
import { loadDraft, saveDraft, forgetDraft } from './wizard-draft';
import { RetryAlertComponent } from '../../common/retry-alert.component';
import { InlineLoadStateComponent } from './inline-load-state.component';

/** The DOM id of a field's control: `workerPools[1].name` → `cse-f-workerPools-1-name`. */
export function fieldId(field: string): string {
  return `cse-f-${field.replace(/[^A-Za-z0-9]+/g, '-').replace(/-$/, '')}`;
}

type GroupKey = keyof NodeGroupForm;

/** Where a failed submission left the user: what went wrong, and whether a retry could help. */
interface SubmitFailure {
  message: string;
  retryable: boolean;
}

/** The "New Kubernetes cluster" wizard (Clarity wizard): one page per part of the spec, then a review. */
@Component({
  selector: 'cse-cluster-wizard',
  standalone: true,
  imports: [ClarityModule, NgTemplateOutlet, TranslatePipe, InlineLoadStateComponent, RetryAlertComponent],
  providers: [WizardOptions],
  schemas: [CUSTOM_ELEMENTS_SCHEMA],
  templateUrl: './cluster-wizard.component.html',
  styles: [
    `
      .cse-pool {
        border: 1px solid var(--cds-alias-object-border-color, #ccc);
        border-radius: 0.25rem;
        padding: 0.5rem 1rem 1rem;
        margin-bottom: 1rem;
      }
      .cse-pool legend {
        font-weight: 600;
      }
      .cse-remove-pool {
        margin-top: 1rem;
      }
      .cse-error-text {
        color: var(--cds-alias-status-danger, #c21d00);
      }
      .cse-review-json {
        max-height: 24rem;
        overflow: auto;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ClusterWizardComponent implements OnInit {
  @ViewChild(ClrWizard) private wizard?: ClrWizard;
  protected readonly options = inject(WizardOptions);
  private readonly submission = inject(ClusterSubmission);
  private readonly router = inject(Router);
  private readonly route = inject(ActivatedRoute);
  private readonly container = inject(ContainerContext);

  protected readonly steps = wizardSteps;
  protected readonly open = signal(true);
  protected readonly form = signal<WizardForm>(loadDraft(this.container.organization) ?? initialForm());
  /** Fields whose problems are shown: those the user has left, and all fields of a step they tried to leave. */
  private readonly revealed = signal<ReadonlySet<string>>(new Set());
  private readonly revealedSteps = signal<ReadonlySet<WizardStep>>(new Set());
  /** Field errors the API answered, shown next to their field until the field changes. */
  protected readonly apiErrors = signal<FieldError[]>([]);
  protected readonly submitting = signal(false);
  protected readonly submitFailure = signal<SubmitFailure | null>(null);
  /** An API token the user pasted because they may not create one; kept out of the draft (it is a secret). */
  protected readonly pastedToken = signal('');
  /** The user may not create API tokens: the review step asks for one instead. */
  protected readonly tokenRightMissing = computed(() => this.options.tokenRight() === 'missing');
  protected readonly usePastedToken = computed(
    () => this.tokenRightMissing() && this.pastedToken().trim() !== '',
  );
  /** Create stays off while the wizard cannot get a token: no right to create one and none pasted. */
  protected readonly canCreate = computed(
    () => !this.submitting() && (!this.tokenRightMissing() || this.usePastedToken()),
  );

  protected readonly spec = computed(() => toClusterSpec(this.form()));
  protected readonly errors = computed(() => formErrors(this.form(), this.options.context()));
  protected readonly review = computed(() =>
    reviewJson(this.spec(), this.usePastedToken() ? 'pasted' : 'created'),
  );
  protected readonly tokenName = computed(() => apiTokenName(this.spec().name));
  protected readonly fieldId = fieldId;
  protected readonly cidrFields = [
    { field: 'podCidr', label: 'wizard.field.podCidr' },
    { field: 'serviceCidr', label: 'wizard.field.serviceCidr' },
  ] as const satisfies readonly { field: 'podCidr' | 'serviceCidr'; label: TranslationKey }[];
  protected readonly groupKeys = [
    { key: 'sizingPolicy', label: 'wizard.field.sizingPolicy' },
    { key: 'storageProfile', label: 'wizard.field.storageProfile' },
    { key: 'diskGiB', label: 'wizard.field.diskGiB' },
  ] as const satisfies readonly { key: GroupKey; label: TranslationKey }[];

  /** The choices of a policy select in the chosen VDC, each with the words it shows. */
  protected readonly sizingChoices = computed(() => {
    const options = this.options.vdcOptions();
    if (options?.state !== 'ready') return [];
    return options.value.sizingPolicies.map((policy) => ({
      name: policy.name,
      text:
        policy.cpuCount && policy.memory
          ? translate('wizard.sizing.option', policy.name, policy.cpuCount, policy.memory)
          : policy.name,
    }));
  });
  protected readonly storageChoices = computed(() => {
    const options = this.options.vdcOptions();
    if (options?.state !== 'ready') return [];
    return options.value.storageProfiles.map((profile) => ({
      name: profile.name,
      text: profile.isDefaultStoragePolicy ? translate('wizard.storage.default', profile.name) : profile.name,
    }));
  });

  constructor() {
    effect(() => saveDraft(this.container.organization, this.form()));
  }

  ngOnInit(): void {
    this.options.start(this.form().orgVdc);
  }

  // ----- reading the form ---------------------------------------------------------------------------------------

  /** The message to show next to a field, or null. */
  protected errorFor(field: string): string | null {
    const fromApi = this.apiErrors().find((error) => error.field === field);
    if (fromApi) return fromApi.message;
    if (!this.revealed().has(field) && !this.revealedSteps().has(stepOfField(field))) return null;
    return this.errors().find((error) => error.field === field)?.message ?? null;
  }

  /** Problems of a step that belong to no single control (e.g. "at least one worker node"). */
  protected stepErrors(step: WizardStep, fields: readonly string[]): string[] {
    const shown = this.revealedSteps().has(step);
    const local = shown ? errorsOfStep(this.errors(), step) : [];
    const remote = errorsOfStep(this.apiErrors(), step);
    return [...remote, ...local]
      .filter((error) => !fields.includes(error.field) && !/^workerPools\[\d+\]\./.test(error.field))
      .map((error) => error.message)
      .filter((message, index, all) => all.indexOf(message) === index);
  }

  protected stepHasError(step: WizardStep): boolean {
    const visible = [...errorsOfStep(this.apiErrors(), step)];
    if (this.revealedSteps().has(step)) visible.push(...errorsOfStep(this.errors(), step));
    return visible.length > 0;
  }

  protected describedBy(field: string): string | null {
    return this.errorFor(field) ? `${fieldId(field)}-error` : null;
  }

  // ----- changing the form --------------------------------------------------------------------------------------

  protected setField(
    field: 'name' | 'orgVdc' | 'template' | 'network' | 'podCidr' | 'serviceCidr' | 'sshKey',
    value: string,
  ): void {
    this.form.update((form) => ({ ...form, [field]: value }));
    this.changed(field);
    if (field === 'orgVdc') {
      // Policies, profiles and networks belong to a VDC: choose again in the new one.
      this.form.update((form) => ({
        ...form,
        network: '',
        controlPlane: { ...form.controlPlane, sizingPolicy: '', storageProfile: '' },
        workerPools: form.workerPools.map((pool) => ({ ...pool, sizingPolicy: '', storageProfile: '' })),
      }));
      this.options.selectVdc(value);
    }
  }

  protected setContour(enabled: boolean): void {
    this.form.update((form) => ({ ...form, contour: enabled }));
  }

  protected setControlPlane(key: GroupKey, value: string): void {
    this.form.update((form) => ({ ...form, controlPlane: { ...form.controlPlane, [key]: value } }));
    this.changed(`controlPlane.${key}`);
  }

  protected setPool(index: number, key: keyof PoolForm, value: string): void {
    this.form.update((form) => ({
      ...form,
      workerPools: form.workerPools.map((pool, at) => (at === index ? { ...pool, [key]: value } : pool)),
    }));
    this.changed(`workerPools[${index}].${key}`);
  }

  protected choicesFor(key: 'sizingPolicy' | 'storageProfile'): { name: string; text: string }[] {
    return key === 'sizingPolicy' ? this.sizingChoices() : this.storageChoices();
  }

  /** A field of the control plane (`index` -1) or of worker pool `index`. */
  protected setGroup(index: number, key: GroupKey, value: string): void {
    if (index < 0) this.setControlPlane(key, value);
    else this.setPool(index, key, value);
  }

  protected addPool(): void {
    this.form.update((form) => ({
      ...form,
      workerPools: [...form.workerPools, newPool(form.workerPools.length)],
    }));
  }

  protected removePool(index: number): void {
    this.form.update((form) => ({ ...form, workerPools: form.workerPools.filter((_, at) => at !== index) }));
    // Pool indices moved: errors the API gave for pools no longer point at the right one.
    this.apiErrors.update((errors) => errors.filter((error) => !error.field.startsWith('workerPools')));
  }

  /** A control lost focus: its problems are shown from now on. */
  protected touch(field: string): void {
    if (this.revealed().has(field)) return;
    this.revealed.update((fields) => new Set([...fields, field]));
  }

  private changed(field: string): void {
    this.submitFailure.set(null);
    if (this.apiErrors().some((error) => error.field === field)) {
      this.apiErrors.update((errors) => errors.filter((error) => error.field !== field));
    }
  }

  // ----- moving through the wizard ------------------------------------------------------------------------------

  protected retryVdcOptions(): void {
    this.options.selectVdc(this.form().orgVdc, true);
  }

  /** Next: only when the step has no problem; otherwise show them all and put the focus on the first. */
  protected next(step: WizardStep): void {
    const problems = [...errorsOfStep(this.apiErrors(), step), ...errorsOfStep(this.errors(), step)];
    if (problems.length === 0) {
      this.wizard?.forceNext();
      return;
    }
    this.revealedSteps.update((steps) => new Set([...steps, step]));
    const first = problems[0];
    if (first) setTimeout(() => document.getElementById(fieldId(first.field))?.focus());
  }

  protected setPastedToken(value: string): void {
    this.pastedToken.set(value);
    this.submitFailure.set(null);
  }

  protected submit(): void {
    if (!this.canCreate()) return;
    const problems = [...this.apiErrors(), ...this.errors()];
    if (problems.length > 0) {
      this.showFieldErrors(problems);
      return;
    }
    this.submitting.set(true);
    this.submitFailure.set(null);
    const pasted = this.usePastedToken() ? this.pastedToken().trim() : undefined;
    this.submission.submit(this.spec(), pasted).subscribe({
      next: (created) => {
        forgetDraft(this.container.organization);
        this.submitting.set(false);
        this.open.set(false);
        void this.router.navigate(['..', created.id], { relativeTo: this.route });
      },
      error: (error: unknown) => this.failed(error),
    });
  }

  protected cancel(): void {
    forgetDraft(this.container.organization);
    this.open.set(false);
    void this.router.navigate(['..'], { relativeTo: this.route });
  }

  private failed(error: unknown): void {
    this.submitting.set(false);
    const stage = error instanceof SubmissionError ? error.stage : 'cluster';
    const cause = error instanceof SubmissionError ? error.cause : error;
    // VCD refused the token (no right after all, e.g. when it would not say before): ask for a pasted one.
    if (stage === 'token' && cause instanceof HttpErrorResponse && cause.status === 403)
      this.options.tokenRight.set('missing');
    const fields = stage === 'cluster' ? fieldErrorsOf(cause) : [];
    if (fields.length > 0) {
      this.apiErrors.set(fields);
      this.showFieldErrors(fields);
      return;
    }
    const key: TranslationKey = isNetworkError(cause)
      ? 'wizard.submit.network'
      : stage === 'token'
        ? 'wizard.submit.tokenFailed'
        : 'wizard.submit.failed';
    this.submitFailure.set({ message: translate(key, describeApiError(cause)), retryable: true });
  }

  /** Takes the user to the first step with a problem and shows its problems there. */
  private showFieldErrors(errors: readonly FieldError[]): void {
    const steps = errors.map((error) => stepOfField(error.field));
    this.revealedSteps.update((shown) => new Set([...shown, ...steps]));
    const first = wizardSteps.find((step) => steps.includes(step));
    if (first && first !== 'review') {
      this.wizard?.goTo(`clr-wizard-page-${first}`);
      const field = errors.find((error) => stepOfField(error.field) === first)?.field;
      if (field) setTimeout(() => document.getElementById(fieldId(field))?.focus());
    }
  }
}
