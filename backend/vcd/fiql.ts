/**
 * FIQL filters as VCD takes them in `filter=` (cloudapi and the legacy query service alike): `field==value`, `;` for
 * and, `,` for or, parentheses to group. Values go unquoted, as every public client sends them
 * (go-vcloud-director `govcd/*.go` `"name=="+name`, CPI `pkg/vcdsdk/gateway.go` `name==%s`); no source says VCD
 * strips quotes, so a quoted value would be compared with its quotes and find nothing.
 *
 * VCD's reserved characters in a value are `( ) ; ,`; pyvcloud escapes each with a backslash for API ≥ 35
 * (`pyvcloud/vcd/client.py` `_escape_special_characters`), so a name can never change the filter's structure.
 * `*` is VCD's wildcard and no public source shows an escape for it: a value with a `*` can match more than the
 * name it came from, so every lookup by name keeps only the exact matches from what VCD returns.
 */
export type FiqlOperator = '==' | '!=' | '=lt=' | '=le=' | '=gt=' | '=ge=';

export interface Fiql {
  readonly text: string;
}

const fieldPattern = /^[A-Za-z_][A-Za-z0-9_.]*$/;

function assertField(field: string): void {
  if (!fieldPattern.test(field)) throw new Error(`not a FIQL field name: ${JSON.stringify(field)}`);
}

/** A value as VCD reads it: `( ) ; ,` escaped with a backslash, everything else (`*` included) as is. */
function escapeFiqlValue(value: string | number | boolean): string {
  return String(value).replace(/[();,]/g, (char) => `\\${char}`);
}

export function compare(field: string, operator: FiqlOperator, value: string | number | boolean): Fiql {
  assertField(field);
  return { text: `${field}${operator}${escapeFiqlValue(value)}` };
}

/** `field==value`; a `*` in the value is VCD's wildcard, so callers after one name re-check what comes back. */
export const eq = (field: string, value: string | number | boolean): Fiql => compare(field, '==', value);
export const ne = (field: string, value: string | number | boolean): Fiql => compare(field, '!=', value);

/** `field==pattern` where the caller wants `*` to match any run of characters (the rest is taken literally). */
export const matches = (field: string, pattern: string): Fiql => compare(field, '==', pattern);

function group(parts: (Fiql | undefined)[], separator: ';' | ','): Fiql | undefined {
  const present = parts.filter((part): part is Fiql => part !== undefined && part.text !== '');
  if (present.length === 0) return undefined;
  if (present.length === 1) return present[0];
  return { text: present.map((part) => `(${part.text})`).join(separator) };
}

export const and = (...parts: (Fiql | undefined)[]): Fiql | undefined => group(parts, ';');
export const or = (...parts: (Fiql | undefined)[]): Fiql | undefined => group(parts, ',');
