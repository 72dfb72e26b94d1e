import {
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { STAFF_ASSERTION_HEADER, StaffAccessGuard } from '#lumen/staff-access';
import { InternalAccessPolicy } from './internal-access.policy';

/**
 * Internal endpoints take a staff assertion, checked by the staff-access guard against the
 * endpoint's declared rule (a role it does not allow is a 403), or else the credential of the
 * configured policy (the operator token, for deployment scripts); anything else is a 401.
 */
@Injectable()
export class InternalAccessGuard implements CanActivate {
  constructor(
    private readonly policy: InternalAccessPolicy,
    private readonly staffAccess: StaffAccessGuard,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (request.headers[STAFF_ASSERTION_HEADER] !== undefined) {
      return this.staffAccess.canActivate(context);
    }
    const refusal = this.policy.refusal(request);
    if (refusal !== undefined) {
      throw new UnauthorizedException(
        `Internal endpoint: sign in as a privacy officer (${STAFF_ASSERTION_HEADER}) or ${refusal}`,
      );
    }
    return true;
  }
}
