import { Logger } from '@nestjs/common';
import { KeyServiceException, type KeyServiceErrorCode } from '../domain/key-service.exception';
import type { KeyAction, KeyAuditLog } from './key-audit.log';

const logger = new Logger('KeyService');

/** Records a refusal in the audit trail (on its own, so it outlives any rollback), then throws. */
export async function refuse(
  audit: KeyAuditLog,
  entry: { readonly caller: string; readonly keyId: string | null; readonly action: KeyAction },
  code: KeyServiceErrorCode,
  message: string,
): Promise<never> {
  await audit.record({ ...entry, callerVerified: true, outcome: 'refused', reason: code });
  logger.warn('key request refused', {
    caller: entry.caller,
    keyId: entry.keyId,
    action: entry.action,
    reason: code,
  });
  throw new KeyServiceException(code, message);
}
