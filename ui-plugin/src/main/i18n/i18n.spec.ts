import detailTemplate from '../clusters/detail/cluster-detail.component.html?ngResource';
import listTemplate from '../clusters/list/cluster-list.component.html?ngResource';
import wizardTemplate from '../clusters/wizard/cluster-wizard.component.html?ngResource';
import { clusterPhases } from '../api/cluster-types';
import { phaseLook } from '../clusters/phase/cluster-phase';
import english from './en.json';

const templates: Record<string, string> = {
  'cluster-list': listTemplate,
  'cluster-wizard': wizardTemplate,
  'cluster-detail': detailTemplate,
};
const keys = new Set(Object.keys(english));

/** Every quoted `a.b.c` key in a template (what `| translate` and the ternaries before it name). */
function keysIn(template: string): string[] {
  return [...template.matchAll(/'([a-z][A-Za-z]*(?:\.[A-Za-z]+)+)'/g)].map((match) => match[1]!);
}

/** Text between tags that is not an interpolation or a comment: user-facing text not going through en.json. */
function literalText(template: string): string[] {
  const withoutBlocks = template
    .replace(/<!--[\s\S]*?-->/g, '')
    .replace(/\{\{[\s\S]*?\}\}/g, '')
    .replace(/@(if|for|switch|case|else|default)[^{]*\{/g, '')
    .replace(/<[^>]*>/g, '\n');
  return withoutBlocks
    .split('\n')
    .map((line) => line.replace(/[{}]/g, '').trim())
    .filter((line) => /[A-Za-z]{2,}/.test(line));
}

describe('English translations', () => {
  for (const [name, template] of Object.entries(templates)) {
    it(`has every key the ${name} template uses`, () => {
      const used = keysIn(template).filter((key) =>
        /^(common|errors|phase|clusters|wizard|detail)\./.test(key),
      );
      expect(used.length).toBeGreaterThan(0);
      expect(used.filter((key) => !keys.has(key))).toEqual([]);
    });

    it(`has no hard-coded words in the ${name} template`, () => {
      expect(literalText(template)).toEqual([]);
    });
  }

  it('names every phase', () => {
    for (const phase of [...clusterPhases, undefined]) expect(keys.has(phaseLook(phase).label)).toBeTrue();
  });

  it('has no empty text, and placeholders are numbered from {0}', () => {
    for (const [key, text] of Object.entries(english as Record<string, string>)) {
      expect(text.trim()).withContext(key).not.toBe('');
      const numbers = [...text.matchAll(/\{(\d+)\}/g)].map((match) => Number(match[1]));
      numbers.forEach((n) =>
        expect(n)
          .withContext(key)
          .toBeLessThan(numbers.length + 1),
      );
    }
  });
});
