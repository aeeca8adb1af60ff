import { Pipe, PipeTransform } from '@angular/core';
import english from './en.json';

export type TranslationKey = keyof typeof english;

const translations: Record<string, string> = english;

/** Looks a key up in the English set and fills `{0}`, `{1}`… with the arguments. */
export function translate(key: TranslationKey, ...args: (string | number)[]): string {
  const template = translations[key] ?? key;
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });
}

@Pipe({ name: 'translate', standalone: true, pure: true })
export class TranslatePipe implements PipeTransform {
  transform(key: TranslationKey, ...args: (string | number)[]): string {
    return translate(key, ...args);
  }
}
