import type english from './en.json';

/** A key of `en.json`, the source of every user-facing string (type only: the strings ship as an asset). */
export type TranslationKey = keyof typeof english;

/** Strings by key, as one `assets/i18n/<locale>.json` file of the plugin zip holds them. */
export type TranslationSet = Readonly<Record<string, string>>;

let current: TranslationSet = {};

/** Puts a set of strings in place (the loader, once the plugin's i18n asset has arrived; specs, directly). */
export function useTranslations(strings: TranslationSet): void {
  current = { ...strings };
}

/** Looks a key up and fills `{0}`, `{1}`… with the arguments; a key without a string shows as itself. */
export function translate(key: TranslationKey, ...args: (string | number)[]): string {
  const template = current[key] ?? key;
  return template.replace(/\{(\d+)\}/g, (match, index: string) => {
    const value = args[Number(index)];
    return value === undefined ? match : String(value);
  });
}
