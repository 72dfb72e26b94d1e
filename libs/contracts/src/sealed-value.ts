import { z } from 'zod';
import { isSealedValue, type SealedValue } from '#lumen/crypto';

/**
 * A personal field on the wire: always a `lumen:v1:` envelope sealed under a data key that
 * only the services that need the field may fetch. Schemas use this instead of a string, so
 * an event carrying a plaintext personal field fails validation at the producer.
 */
export const sealedValueSchema: z.ZodType<SealedValue, string> = z
  .string()
  .refine(isSealedValue, { message: 'expected a sealed lumen:v1 value' });
