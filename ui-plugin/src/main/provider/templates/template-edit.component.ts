import {
  ChangeDetectionStrategy,
  Component,
  DestroyRef,
  EventEmitter,
  OnInit,
  Output,
  computed,
  inject,
  input,
  signal,
} from '@angular/core';
import { ClarityModule } from '@clr/angular';
import type { Subscription } from 'rxjs';
import { describeApiError } from '../../api/cse-api';
import { ProviderApi, errorCodeOf } from '../../api/provider-api';
import {
  type OrgRef,
  type ProviderTemplate,
  type TemplateLifecycle,
  templateLifecycles,
} from '../../api/provider-types';
import { TranslatePipe } from '../../i18n/translate.pipe';
import { lifecycleLabel } from './template-look';
import { type TemplateEditForm, changeOf, editFormOf, expiryProblem } from './template-edit';

type Field = 'lifecycle' | 'expiresAt' | 'orgs';

/** Which field an API refusal belongs to: its code, or the `field: reason` of an invalid body. */
function fieldOfRefusal(error: unknown): Field | null {
  switch (errorCodeOf(error)) {
    case 'EXPIRY_IN_PAST':
      return 'expiresAt';
    case 'UNKNOWN_ORG':
      return 'orgs';
    case 'INVALID_BODY': {
      const field = /^(\w+):/.exec(describeApiError(error))?.[1];
      return field === 'lifecycle' || field === 'expiresAt' || field === 'orgs' ? field : null;
    }
    default:
      return null;
  }
}

/** The dialog that sets a template's lifecycle, expiry date and the organisations it is published to. */
@Component({
  selector: 'cse-template-edit',
  standalone: true,
  imports: [ClarityModule, TranslatePipe],
  templateUrl: './template-edit.component.html',
  styles: [
    `
      .cse-org-choices {
        margin-left: 1.5rem;
      }
      .cse-error-text {
        color: var(--cds-alias-status-danger, #c21d00);
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class TemplateEditComponent implements OnInit {
  private readonly api = inject(ProviderApi);
  readonly template = input.required<ProviderTemplate>();
  /** Every tenant organisation, to choose from. */
  readonly orgs = input.required<OrgRef[]>();
  @Output() readonly saved = new EventEmitter<ProviderTemplate>();
  @Output() readonly closed = new EventEmitter<void>();

  protected readonly lifecycles = templateLifecycles;
  protected readonly lifecycleLabel = lifecycleLabel;
  protected readonly form = signal<TemplateEditForm>({
    lifecycle: 'supported',
    expiryDate: '',
    audience: 'all',
    orgs: [],
  });
  /** Orgs the template is published to that are no longer tenants still show, so nothing is dropped unseen. */
  protected readonly orgChoices = computed(() => {
    const names = new Set([...this.orgs().map((org) => org.name), ...this.form().orgs]);
    return [...names].sort((a, b) => a.localeCompare(b));
  });
  private readonly now = signal(Date.now());
  protected readonly expiryError = computed(() => expiryProblem(this.template(), this.form(), this.now()));
  protected readonly apiError = signal<{ field: Field | null; message: string } | null>(null);
  protected readonly saving = signal(false);
  private request?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
  }

  ngOnInit(): void {
    this.form.set(editFormOf(this.template()));
  }

  protected errorFor(field: Field): string | null {
    if (field === 'expiresAt' && this.expiryError()) return this.expiryError();
    const error = this.apiError();
    return error?.field === field ? error.message : null;
  }

  protected set<K extends keyof TemplateEditForm>(key: K, value: TemplateEditForm[K]): void {
    this.form.update((form) => ({ ...form, [key]: value }));
    const field: Field = key === 'expiryDate' ? 'expiresAt' : key === 'lifecycle' ? 'lifecycle' : 'orgs';
    if (this.apiError()?.field === field) this.apiError.set(null);
  }

  protected setLifecycle(value: string): void {
    if ((templateLifecycles as readonly string[]).includes(value))
      this.set('lifecycle', value as TemplateLifecycle);
  }

  protected toggleOrg(name: string, checked: boolean): void {
    const orgs = this.form().orgs.filter((org) => org !== name);
    this.set('orgs', checked ? [...orgs, name].sort() : orgs);
  }

  protected save(): void {
    this.now.set(Date.now());
    if (this.expiryError() || this.saving()) {
      document.getElementById('cse-template-expiry')?.focus();
      return;
    }
    const change = changeOf(this.template(), this.form());
    if (Object.keys(change).length === 0) {
      this.closed.emit();
      return;
    }
    this.saving.set(true);
    this.apiError.set(null);
    this.request = this.api.updateTemplate(this.template().id, change).subscribe({
      next: (template) => {
        this.saving.set(false);
        this.saved.emit(template);
      },
      // The dialog stays open with what was chosen; Save again retries.
      error: (error: unknown) => {
        this.saving.set(false);
        this.apiError.set({ field: fieldOfRefusal(error), message: describeApiError(error) });
      },
    });
  }

  protected cancel(): void {
    if (!this.saving()) this.closed.emit();
  }
}
