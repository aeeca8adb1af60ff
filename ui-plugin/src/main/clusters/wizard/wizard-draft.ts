import type { WizardForm } from './wizard-form';

/**
 * The wizard keeps what the user typed in the browser's session storage, so a reload or a failed call does not lose
 * it; Cancel and a successful create forget it. One draft per organisation; nothing secret is in it.
 */
const key = (org: string) => `cse-cluster-wizard-draft:${org}`;

export function loadDraft(org: string): WizardForm | null {
  try {
    const text = sessionStorage.getItem(key(org));
    if (!text) return null;
    const draft = JSON.parse(text) as Partial<WizardForm>;
    return draft && typeof draft.name === 'string' && Array.isArray(draft.workerPools)
      ? (draft as WizardForm)
      : null;
  } catch {
    return null;
  }
}

export function saveDraft(org: string, form: WizardForm): void {
  try {
    sessionStorage.setItem(key(org), JSON.stringify(form));
  } catch {
    // storage full or disabled: the draft lives only in memory then
  }
}

export function forgetDraft(org: string): void {
  try {
    sessionStorage.removeItem(key(org));
  } catch {
    // nothing to forget
  }
}
