/**
 * FIQL filters as VCD takes them in `filter=`: `field==value`, `;` for and, `,` for or. Values are quoted and
 * escaped, so a user-supplied name can never change the filter's structure; `*` stays a wildcard only where the
 * caller asks for one (`matches`).
 */
export type FiqlOperator = '==' | '!=' | '=lt=' | '=le=' | '=gt=' | '=ge=';

export interface Fiql {
  readonly text: string;
}

const fieldPattern = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function assertField(field: string): void {
  if (!fieldPattern.test(field)) throw new Error(`not a FIQL field name: ${JSON.stringify(field)}`);
}

/** Quotes a value; backslash and the quote are escaped, and `*` is escaped unless it is a wanted wildcard. */
export function quoteFiqlValue(value: string | number | boolean, wildcards = false): string {
  const text = String(value).replace(/[\\"]/g, (char) => `\\${char}`);
  return `"${wildcards ? text : text.replace(/\*/g, '\\*')}"`;
}

export function compare(field: string, operator: FiqlOperator, value: string | number | boolean): Fiql {
  assertField(field);
  return { text: `${field}${operator}${quoteFiqlValue(value)}` };
}

export const eq = (field: string, value: string | number | boolean): Fiql => compare(field, '==', value);
export const ne = (field: string, value: string | number | boolean): Fiql => compare(field, '!=', value);

/** `field==pattern` where `*` in the pattern matches any run of characters (everything else is literal). */
export function matches(field: string, pattern: string): Fiql {
  assertField(field);
  return { text: `${field}==${quoteFiqlValue(pattern, true)}` };
}

function group(parts: (Fiql | undefined)[], separator: ';' | ','): Fiql | undefined {
  const present = parts.filter((part): part is Fiql => part !== undefined && part.text !== '');
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { text: present.map((part) => `(${part.text})`).join(separator) };
}

export const and = (...parts: (Fiql | undefined)[]): Fiql | undefined => group(parts, ';');
export const or = (...parts: (Fiql | undefined)[]): Fiql | undefined => group(parts, ',');
