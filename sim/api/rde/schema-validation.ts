import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { JsonObject } from '../../world/json.ts';

// ajv-formats is CommonJS; its default export arrives wrapped under ESM.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => void;

/**
 * JSON Schema validation of entity contents against their type's schema (VCD accepts drafts
 * 04/06/07; ajv validates with draft-07 rules). One compiled validator per schema object.
 */
const validators = new WeakMap<JsonObject, ValidateFunction>();

function compile(schema: JsonObject): ValidateFunction {
  let validate = validators.get(schema);
  if (!validate) {
    // A fresh instance per schema: `$id`s of different types never clash, and the draft
    // marker is dropped because ajv only knows its own meta-schema.
    const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: true });
    addFormats(ajv);
    const { $schema: _ignored, ...rest } = schema;
    validate = ajv.compile(rest);
    validators.set(schema, validate);
  }
  return validate;
}

/** Throws an Error with ajv's reason when the schema itself is not valid JSON Schema. */
export function checkSchema(schema: JsonObject): void {
  compile(schema);
}

function describe(error: ErrorObject): string {
  const where = error.instancePath === '' ? '/' : error.instancePath;
  const params = error.params as Record<string, unknown>;
  const extra = typeof params['additionalProperty'] === 'string' ? ` "${params['additionalProperty']}"` : '';
  return `${where}: ${error.message ?? 'is invalid'}${extra}`;
}

/** `null` when the contents match the schema, else the first error, naming the field. */
export function validationError(schema: JsonObject, contents: JsonObject): string | null {
  const validate = compile(schema);
  if (validate(contents)) return null;
  return describe(validate.errors![0]!);
}
