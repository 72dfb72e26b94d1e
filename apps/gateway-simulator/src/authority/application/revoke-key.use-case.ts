import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import type { RevokedEntry } from '#lumen/payment-gateway';
import { SimulatorException } from '../../payments/domain/simulator.exception';
import { RegistryError } from '../domain/merchant-registry';
import { GatewayAuthority } from './gateway-authority';

const revokeSchema = z.strictObject({
  keyId: z.string().min(1).max(100),
  reason: z.string().min(1).max(200),
});

/**
 * Revokes a key at once. A merchant key: the gateway refuses it from the next message. The
 * gateway's own answer key: the gateway rotates to a fresh one at once, and every merchant
 * refuses the old one on its next revocation-list poll.
 */
@Injectable()
export class RevokeKey {
  constructor(private readonly authority: GatewayAuthority) {}

  execute(input: unknown, now: Date = new Date()): { revoked: RevokedEntry[] } {
    const parsed = revokeSchema.safeParse(input);
    if (!parsed.success) {
      throw new SimulatorException('invalid-request', 'expected { keyId, reason }');
    }
    try {
      const revoked = this.authority.registry.revokeKey(parsed.data.keyId, parsed.data.reason, now);
      this.authority.persist();
      if (parsed.data.keyId === this.authority.answerKey.keyId) this.authority.rotateAnswerKey(now);
      return { revoked };
    } catch (error) {
      if (error instanceof RegistryError) throw new SimulatorException('not-found', error.message);
      throw error;
    }
  }
}
