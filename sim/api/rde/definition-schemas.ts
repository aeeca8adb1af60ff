import { z } from 'zod';
import type { JsonObject, JsonValue } from '../../world/json.ts';
import { namePartPattern, semverPattern } from './urns.ts';

/** Request bodies of the RDE definition endpoints (unknown fields → 400, as VCD's Jackson does). */
// Built once: z.lazy calls its getter at every nested value, so building the union inside it cost a schema per value.
const jsonValue: z.ZodType<JsonValue> = z.lazy(() => jsonUnion);
const jsonUnion: z.ZodType<JsonValue> = z.union([
  z.string(),
  z.number(),
  z.boolean(),
  z.null(),
  z.array(jsonValue),
  z.record(jsonValue),
]);
export const jsonObject = z.record(jsonValue) as unknown as z.ZodType<JsonObject>;

const vendor = z.string().regex(namePartPattern, 'must be alphanumeric');
const nss = z.string().regex(namePartPattern, 'must be alphanumeric');
const version = z.string().regex(semverPattern, 'must be a semantic version (1.0.0)');

export const interfaceInput = z
  .object({
    id: z.string().nullish(),
    name: z.string().min(1).max(255),
    description: z.string().max(1024).nullish(),
    vendor,
    nss,
    version,
    readonly: z.boolean().nullish(),
  })
  .strict();

export const hookNames = ['PostCreate', 'PostUpdate', 'PreDelete', 'PostDelete'] as const;

export const entityTypeInput = z
  .object({
    id: z.string().nullish(),
    name: z.string().min(1).max(255),
    description: z.string().max(1024).nullish(),
    vendor,
    nss,
    version,
    externalId: z.string().nullish(),
    inheritedVersion: z.string().nullish(),
    schema: jsonObject,
    interfaces: z.array(z.string()).default([]),
    hooks: z.record(z.enum(hookNames), z.string()).nullish(),
    readonly: z.boolean().nullish(),
    maxImplicitRight: z
      .enum([
        'urn:vcloud:accessLevel:ReadOnly',
        'urn:vcloud:accessLevel:ReadWrite',
        'urn:vcloud:accessLevel:FullControl',
      ])
      .nullish(),
  })
  .strict();

export const behaviorInput = z
  .object({
    id: z.string().nullish(),
    ref: z.string().nullish(),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]+$/, 'must be alphanumeric')
      .max(128),
    description: z.string().max(1024).nullish(),
    execution: z
      .object({
        type: z.string().min(1),
        id: z.string().nullish(),
        execution_properties: jsonObject.nullish(),
      })
      .catchall(jsonValue),
  })
  .strict();

/** A type's override may leave the name out (it keeps the interface behaviour's). */
export const behaviorOverrideInput = behaviorInput
  .extend({ name: behaviorInput.shape.name.optional() })
  .strict();

export const behaviorAccessInput = z
  .object({
    behaviorId: z.string().min(1),
    accessLevelId: z.enum([
      'urn:vcloud:accessLevel:ReadOnly',
      'urn:vcloud:accessLevel:ReadWrite',
      'urn:vcloud:accessLevel:FullControl',
    ]),
  })
  .strict();

export const behaviorAccessList = z
  .object({
    values: z.array(behaviorAccessInput),
    resultTotal: z.number().optional(),
    pageCount: z.number().optional(),
    page: z.number().optional(),
    pageSize: z.number().optional(),
    associations: z.unknown().optional(),
  })
  .strict();
