import { z } from 'zod';

/** The services that own topics and sign the events they publish. */
export const SERVICE_NAMES = ['checkout', 'payment', 'fulfilment', 'privacy'] as const;
export const serviceNameSchema = z.enum(SERVICE_NAMES);
export type ServiceName = z.infer<typeof serviceNameSchema>;
