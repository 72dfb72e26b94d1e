import { BadRequestException } from '@nestjs/common';
import { z } from 'zod';
import { serviceNameSchema } from '#lumen/contracts';
import { isDataKeyId } from '#lumen/crypto';

/** The caller's X25519 public key: the data key in the answer is encrypted to it. */
const recipientKeySchema = z
  .string({
    error: 'expected the X25519 public key to encrypt the answer to (KeyServiceClient sends it)',
  })
  .regex(/^[A-Za-z0-9_-]{43}$/, 'expected an X25519 public key, base64url, 43 characters');

export const getKeyQuerySchema = z.strictObject({ recipient: recipientKeySchema });

const keyToCreateFields = {
  subject: z.string().regex(
    // An optional third part names whose key it is when several services key one subject
    // (a subject-access answer: request:<requestId>:<service>).
    /^[a-z][a-z0-9-]{0,31}:[A-Za-z0-9._-]{1,128}(?::[a-z][a-z0-9-]{0,31})?$/,
    'expected <kind>:<id> or <kind>:<id>:<qualifier>, e.g. customer:42 or order:9f1c',
  ),
  purpose: z.string().min(1).max(64),
  allowedServices: z
    .array(serviceNameSchema)
    .min(1, 'expected at least one service')
    .refine((services) => new Set(services).size === services.length, 'expected each service once'),
};

export const createKeyBodySchema = z.strictObject({
  ...keyToCreateFields,
  recipientKey: recipientKeySchema,
});
export type CreateKeyBody = z.infer<typeof createKeyBodySchema>;

/** The most keys one batch may ask for; an order needs three. */
export const MAX_KEYS_PER_BATCH = 8;

export const createKeysBodySchema = z.strictObject({
  keys: z
    .array(z.strictObject(keyToCreateFields))
    .min(1, 'expected at least one key')
    .max(MAX_KEYS_PER_BATCH, `expected at most ${MAX_KEYS_PER_BATCH} keys`)
    .refine(
      (keys) => new Set(keys.map((k) => `${k.subject} ${k.purpose}`)).size === keys.length,
      'expected each subject and purpose once',
    ),
  recipientKey: recipientKeySchema,
});
export type CreateKeysBody = z.infer<typeof createKeysBodySchema>;

export const destroyKeyBodySchema = z.strictObject({
  // Published in privacy.key.destroyed.v1, so plain words only: no e-mail addresses or the like.
  reason: z
    .string()
    .regex(
      /^[A-Za-z0-9 .,:;()/_-]{1,200}$/,
      'expected 1-200 characters of plain text (letters, digits, .,:;()/_-)',
    ),
});
export type DestroyKeyBody = z.infer<typeof destroyKeyBodySchema>;

/** Parses a request body; a 400 names each bad field and what it expects. */
export function parseBody<S extends z.ZodType>(schema: S, body: unknown): z.infer<S> {
  const result = schema.safeParse(body ?? {});
  if (result.success) return result.data;
  throw new BadRequestException({
    statusCode: 400,
    code: 'invalid-request',
    message: result.error.issues
      .map((issue) => {
        const field = issue.path.join('.') || '(body)';
        return issue.code === 'unrecognized_keys'
          ? `${field}: unknown properties ${issue.keys.join(', ')}`
          : `${field}: ${issue.message}`;
      })
      .join('; '),
  });
}

export function parseKeyId(keyId: string): string {
  if (!isDataKeyId(keyId)) {
    throw new BadRequestException({
      statusCode: 400,
      code: 'invalid-request',
      message: 'keyId: expected a data key id',
    });
  }
  return keyId;
}
