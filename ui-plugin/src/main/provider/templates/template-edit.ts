import type { ProviderTemplate, TemplateChange, TemplateLifecycle } from '../../api/provider-types';
import { translate } from '../../i18n/translate.pipe';

/**
 * The template edit dialog's form, kept pure: what the dialog starts from, the change it sends (only what differs,
 * so an untouched expiry date is never re-sent), and the expiry date's check, which refuses a past date with the
 * API's own words.
 */
export interface TemplateEditForm {
  lifecycle: TemplateLifecycle;
  /** `YYYY-MM-DD` (an `<input type="date">` value), empty for no expiry date. */
  expiryDate: string;
  audience: 'all' | 'chosen';
  /** Org names, when the audience is `chosen`. */
  orgs: string[];
}

export function editFormOf(template: ProviderTemplate): TemplateEditForm {
  return {
    lifecycle: template.lifecycle,
    expiryDate: template.expiresAt ? template.expiresAt.slice(0, 10) : '',
    audience: template.publishedToAll ? 'all' : 'chosen',
    orgs: template.orgs.map((org) => org.name).sort(),
  };
}

/** The instant a chosen expiry date stands for: the start of that day, UTC (the date the provider reads). */
export function expiryInstant(date: string): string {
  return `${date}T00:00:00.000Z`;
}

function sameOrgs(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && [...a].sort().every((name, index) => name === [...b].sort()[index]);
}

/** The body of `PUT …/provider/templates/{id}`: only what the form changes; empty when nothing does. */
export function changeOf(template: ProviderTemplate, form: TemplateEditForm): TemplateChange {
  const start = editFormOf(template);
  const change: TemplateChange = {};
  if (form.lifecycle !== start.lifecycle) change.lifecycle = form.lifecycle;
  if (form.expiryDate !== start.expiryDate)
    change.expiresAt = form.expiryDate ? expiryInstant(form.expiryDate) : null;
  if (form.audience === 'all') {
    if (start.audience !== 'all') change.orgs = 'all';
  } else if (start.audience === 'all' || !sameOrgs(form.orgs, start.orgs)) {
    change.orgs = [...form.orgs].sort();
  }
  return change;
}

/**
 * The expiry field's problem, or null: a newly chosen date must lie in the future (the API's rule and message);
 * a date that has already passed while the template is not marked expired would keep it expired whatever the
 * lifecycle says, so it is pointed out too.
 */
export function expiryProblem(
  template: ProviderTemplate,
  form: TemplateEditForm,
  now: number,
): string | null {
  if (!form.expiryDate) return null;
  const at = Date.parse(expiryInstant(form.expiryDate));
  if (Number.isNaN(at)) return translate('provider.templates.error.expiryDate');
  if (at > now) return null;
  if (form.expiryDate !== editFormOf(template).expiryDate)
    return translate('provider.templates.error.expiryInPast', expiryInstant(form.expiryDate));
  return form.lifecycle === 'expired' ? null : translate('provider.templates.error.expiryPassed');
}
