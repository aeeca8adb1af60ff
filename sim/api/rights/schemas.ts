import { z } from 'zod';

/** `{values: [{id, name}]}`: references by id (or by name when the id is missing). */
export const referenceList = z
  .object({
    values: z.array(
      z
        .object({ id: z.string().optional(), name: z.string().optional() })
        .refine((ref) => ref.id !== undefined || ref.name !== undefined, 'a reference needs id or name'),
    ),
  })
  .strict();

/** Rights bundles and global roles share this shape. */
export const publishableInput = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1).max(128),
    description: z.string().max(1024).optional(),
    bundleKey: z.string().optional(),
    readOnly: z.boolean().optional(),
    publishAll: z.boolean().optional(),
  })
  .strict();

export const roleInput = z
  .object({
    id: z.string().optional(),
    name: z.string().min(1).max(128),
    description: z.string().max(1024).optional(),
    bundleKey: z.string().optional(),
    readOnly: z.boolean().optional(),
  })
  .strict();

export type ReferenceList = z.infer<typeof referenceList>;
