import english from '../i18n/en.json';
import clustersTemplate from './clusters/provider-clusters.component.html?ngResource';
import settingsTemplate from './settings/provider-settings.component.html?ngResource';
import editTemplate from './templates/template-edit.component.html?ngResource';
import templatesTemplate from './templates/provider-templates.component.html?ngResource';
import tenantsTemplate from './tenants/provider-tenants.component.html?ngResource';
import { readinessKeys, templateLifecycles } from '../api/provider-types';
import { settingsFields, settingsSections } from './settings/settings-form';
import { lifecycleLabel } from './templates/template-look';

const templates: Record<string, string> = {
  'provider-tenants': tenantsTemplate,
  'provider-templates': templatesTemplate,
  'template-edit': editTemplate,
  'provider-settings': settingsTemplate,
  'provider-clusters': clustersTemplate,
};
const keys = new Set(Object.keys(english));

/** Every quoted `a.b.c` key a template names. */
function keysIn(template: string): string[] {
  return [...template.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z]+)+)'/g)].map((match) => match[1]!);
}

/** Text between tags that is not an interpolation, a block or a comment: words not going through en.json. */
function literalText(template: string): string[] {
  return template
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\{\{[\s\S]*?\}\}/g, '')
    .replace(/@(if|else if|for|switch|case|else|default)[^{]*\{/g, '')
    .replace(/<[^>]*>/g, '\n')
    .split('\n')
    .map((line) => line.replace(/[{}]/g, '').trim())
    .filter((line) => /[A-Za-z]{2,}/.test(line));
}

describe('Provider pages translations', () => {
  for (const [name, template] of Object.entries(templates)) {
    it(`have every key the ${name} template uses`, () => {
      const used = keysIn(template).filter((key) => /^(common|errors|clusters|provider)\./.test(key));
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((key) => !keys.has(key))).toEqual([]);
    });

    it(`have no hard-coded words in the ${name} template`, () => {
      expect(literalText(template)).toEqual([]);
    });
  }

  it('name every settings field, section and format', () => {
    const named = [
      ...settingsSections.map((section) => section.legend),
      ...settingsFields.flatMap((field) => [field.label, ...(field.format ? [field.format] : [])]),
    ];
    expect(named.filter((key) => !keys.has(key))).toEqual([]);
    expect(settingsFields.filter((field) => field.label === 'provider.settings.phase.other')).toEqual([]);
  });

  it('name every checklist item and lifecycle', () => {
    for (const key of readinessKeys)
      expect(keys.has(`provider.tenants.check.${key}`))
        .withContext(key)
        .toBeTrue();
    for (const lifecycle of templateLifecycles) expect(keys.has(lifecycleLabel(lifecycle))).toBeTrue();
  });
});
