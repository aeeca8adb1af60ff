import type { ProviderTemplate, TemplateLifecycle } from '../../api/provider-types';
import type { TranslationKey } from '../../i18n/translate.pipe';

const lifecycleLabels: Record<TemplateLifecycle, TranslationKey> = {
  supported: 'provider.lifecycle.supported',
  deprecated: 'provider.lifecycle.deprecated',
  expired: 'provider.lifecycle.expired',
};

const lifecycleBadges: Record<TemplateLifecycle, string> = {
  supported: 'badge-success',
  deprecated: 'badge-warning',
  expired: 'badge-danger',
};

export function lifecycleLabel(lifecycle: TemplateLifecycle): TranslationKey {
  return lifecycleLabels[lifecycle] ?? (lifecycle as TranslationKey);
}

export function lifecycleBadge(lifecycle: TemplateLifecycle): string {
  return lifecycleBadges[lifecycle] ?? '';
}

/** Who a template is published to: every org, the named ones, or nobody. */
export interface Audience {
  kind: 'all' | 'none' | 'orgs';
  /** The org names, comma-separated, when `orgs`. */
  names: string;
}

export function audienceOf(template: ProviderTemplate): Audience {
  if (template.publishedToAll) return { kind: 'all', names: '' };
  if (template.orgs.length === 0) return { kind: 'none', names: '' };
  return { kind: 'orgs', names: template.orgs.map((org) => org.name).join(', ') };
}

/** The operating system as the image says, `ubuntu 22.04`. */
export function osOf(template: ProviderTemplate): string {
  return template.os ? `${template.os.name} ${template.os.version}` : '';
}

/** The orgs that see a template in VCD's catalog view beyond its publication, comma-separated; empty when none. */
export function alsoSeenBy(template: ProviderTemplate): string {
  return (template.catalogAlsoShowsTo?.orgs ?? []).map((org) => org.name).join(', ');
}
