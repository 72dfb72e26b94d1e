import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { FastifyRequest } from 'fastify';
import { InternalAccessPolicy } from '../api/internal-access.policy';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * `Authorization: Bearer <token>` with the operator token from a file (mode 0600), created on
 * first start when absent. Compared as hashes in constant time.
 */
export class OperatorTokenPolicy extends InternalAccessPolicy {
  private readonly expected: Buffer;

  constructor(tokenFile: string) {
    super();
    if (!existsSync(tokenFile)) {
      mkdirSync(dirname(tokenFile), { recursive: true, mode: 0o700 });
      writeFileSync(tokenFile, randomBytes(32).toString('base64url') + '\n', {
        mode: 0o600,
        flag: 'wx',
      });
    }
    const token = readFileSync(tokenFile, 'utf8').trim();
    if (token.length < 32)
      throw new Error(`The operator token in ${tokenFile} is shorter than 32 characters`);
    this.expected = digest(token);
  }

  refusal(request: FastifyRequest): string | undefined {
    const header = request.headers.authorization;
    const match = header === undefined ? null : /^Bearer (\S+)$/.exec(header);
    if (!match?.[1]) return 'send Authorization: Bearer <operator token>';
    return timingSafeEqual(digest(match[1]), this.expected)
      ? undefined
      : 'the operator token is wrong';
  }
}
