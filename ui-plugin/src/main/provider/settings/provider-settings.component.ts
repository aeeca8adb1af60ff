import { ChangeDetectionStrategy, Component, DestroyRef, computed, inject, signal } from '@angular/core';
import { ClarityModule } from '@clr/angular';
import type { Subscription } from 'rxjs';
import { describeApiError, isNetworkError } from '../../api/cse-api';
import { ProviderApi, errorCodeOf, isSettingsConflict, settingsProblemsOf } from '../../api/provider-api';
import type { VersionedSettings } from '../../api/provider-types';
import { TranslatePipe, translate } from '../../i18n/translate.pipe';
import {
  type SettingsForm,
  certificatePath,
  fieldId,
  fieldOfProblem,
  formOf,
  formProblems,
  settingsOf,
  settingsSections,
} from './settings-form';
import { RetryAlertComponent } from '../../common/retry-alert.component';

type LoadState = { kind: 'loading' } | { kind: 'ready' } | { kind: 'failed'; message: string };

/**
 * The provider settings as a form: checked on the page where the schema's rules are simple, saved whole with PUT and
 * the ETag of the read in If-Match; a concurrent change (412) offers a reload, the API's field problems show by field.
 */
@Component({
  selector: 'cse-provider-settings',
  standalone: true,
  imports: [ClarityModule, TranslatePipe, RetryAlertComponent],
  templateUrl: './provider-settings.component.html',
  styles: [
    `
      fieldset {
        margin-top: 1.5rem;
      }
      legend {
        font-weight: 600;
      }
      .cse-section-hint {
        margin-top: 0.25rem;
      }
      .cse-settings-grid {
        display: grid;
        grid-template-columns: repeat(auto-fill, minmax(22rem, 1fr));
        column-gap: 2rem;
      }
      .cse-settings-grid .clr-input,
      .cse-settings-grid .clr-textarea {
        width: 100%;
      }
      .cse-settings-grid .clr-control-container,
      .cse-settings-grid .clr-input-wrapper,
      .cse-settings-grid .clr-textarea-wrapper {
        width: 100%;
        max-width: 100%;
      }
      .cse-certificate {
        border-left: 2px solid var(--cds-alias-object-border-color, #ccc);
        padding-left: 1rem;
        margin-top: 1rem;
      }
      .cse-certificate textarea {
        font-family: monospace;
        width: 100%;
      }
      .cse-settings-actions {
        margin-top: 1.5rem;
      }
    `,
  ],
  changeDetection: ChangeDetectionStrategy.OnPush,
})
export class ProviderSettingsComponent {
  private readonly api = inject(ProviderApi);
  protected readonly sections = settingsSections;
  protected readonly fieldId = fieldId;
  protected readonly certificatePath = certificatePath;

  protected readonly state = signal<LoadState>({ kind: 'loading' });
  protected readonly form = signal<SettingsForm>({ values: {}, certificates: [], document: {} });
  protected readonly source = signal<string | null>(null);
  private etag: string | null = null;
  private readonly touched = signal<ReadonlySet<string>>(new Set());
  private readonly submitted = signal(false);
  /** Problems the API named, by field, until that field changes. */
  private readonly apiProblems = signal<ReadonlyMap<string, string>>(new Map());
  /** Problems the API named that no field on the page shows. */
  protected readonly otherProblems = signal<string[]>([]);
  private readonly pageProblems = computed(() => formProblems(this.form()));
  protected readonly saving = signal(false);
  protected readonly saved = signal(false);
  protected readonly saveError = signal<{ message: string; retry: boolean } | null>(null);
  /** A 412: someone saved since this page read the settings. */
  protected readonly conflict = signal(false);
  private request?: Subscription;

  constructor() {
    inject(DestroyRef).onDestroy(() => this.request?.unsubscribe());
    this.load();
  }

  protected load(): void {
    this.request?.unsubscribe();
    this.state.set({ kind: 'loading' });
    this.saved.set(false);
    this.request = this.api.settings().subscribe({
      next: (versioned) => {
        this.show(versioned);
        this.state.set({ kind: 'ready' });
      },
      error: (error: unknown) => this.state.set({ kind: 'failed', message: describeApiError(error) }),
    });
  }

  /** A field's problem: the API's, else the page's once the field was left or Save was pressed. */
  protected errorFor(path: string): string | null {
    const fromApi = this.apiProblems().get(path);
    if (fromApi) return fromApi;
    if (!this.submitted() && !this.touched().has(path)) return null;
    return this.pageProblems().get(path) ?? null;
  }

  protected describedBy(path: string): string | null {
    return this.errorFor(path) ? `${fieldId(path)}-error` : null;
  }

  protected setValue(path: string, value: string): void {
    this.form.update((form) => ({ ...form, values: { ...form.values, [path]: value } }));
    this.changed(path);
  }

  protected setCertificate(index: number, part: 'name' | 'pem', value: string): void {
    this.form.update((form) => ({
      ...form,
      certificates: form.certificates.map((certificate, i) =>
        i === index ? { ...certificate, [part]: value } : certificate,
      ),
    }));
    this.changed(certificatePath(index, part));
  }

  protected addCertificate(): void {
    this.form.update((form) => ({ ...form, certificates: [...form.certificates, { name: '', pem: '' }] }));
    this.saved.set(false);
  }

  protected removeCertificate(index: number): void {
    this.form.update((form) => ({
      ...form,
      certificates: form.certificates.filter((_, i) => i !== index),
    }));
    // Paths after the removed one now name other certificates.
    this.apiProblems.update(
      (problems) => new Map([...problems].filter(([path]) => !path.startsWith('trustedCertificates['))),
    );
    this.saved.set(false);
  }

  protected touch(path: string): void {
    if (!this.touched().has(path)) this.touched.update((touched) => new Set([...touched, path]));
  }

  protected save(): void {
    this.submitted.set(true);
    this.saved.set(false);
    const firstProblem = [...this.pageProblems().keys()][0];
    if (firstProblem) {
      document.getElementById(fieldId(firstProblem))?.focus();
      return;
    }
    this.saving.set(true);
    this.saveError.set(null);
    this.conflict.set(false);
    this.otherProblems.set([]);
    this.request?.unsubscribe();
    this.request = this.api.saveSettings(settingsOf(this.form()), this.etag).subscribe({
      next: (versioned) => {
        this.show(versioned);
        this.saving.set(false);
        this.saved.set(true);
      },
      error: (error: unknown) => {
        this.saving.set(false);
        this.refused(error);
      },
    });
  }

  private refused(error: unknown): void {
    if (isSettingsConflict(error)) {
      this.conflict.set(true);
      return;
    }
    const problems = errorCodeOf(error) === 'INVALID_SETTINGS' ? settingsProblemsOf(error) : [];
    const byField = new Map<string, string>();
    const others: string[] = [];
    for (const problem of problems) {
      const path = fieldOfProblem(problem, this.form());
      if (path && !byField.has(path)) byField.set(path, problem.reason);
      else if (!path) others.push(`${problem.field} ${problem.reason}`);
    }
    this.apiProblems.set(byField);
    this.otherProblems.set(others);
    this.saveError.set({
      message:
        problems.length > 0
          ? translate('provider.settings.invalid', problems.length)
          : translate('provider.settings.saveFailed', describeApiError(error)),
      retry: isNetworkError(error),
    });
    const first = [...byField.keys()][0];
    if (first) setTimeout(() => document.getElementById(fieldId(first))?.focus());
  }

  private changed(path: string): void {
    this.saved.set(false);
    if (this.apiProblems().has(path)) {
      this.apiProblems.update((problems) => new Map([...problems].filter(([key]) => key !== path)));
    }
  }

  private show(versioned: VersionedSettings): void {
    this.form.set(formOf(versioned.settings));
    this.etag = versioned.etag;
    this.source.set(versioned.source);
    this.touched.set(new Set());
    this.submitted.set(false);
    this.apiProblems.set(new Map());
    this.otherProblems.set([]);
    this.saveError.set(null);
    this.conflict.set(false);
  }
}
