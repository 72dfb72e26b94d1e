import {
  BadRequestException,
  ForbiddenException,
  Inject,
  Injectable,
  Logger,
  ServiceUnavailableException,
  SetMetadata,
  UnauthorizedException,
  UseGuards,
  applyDecorators,
  createParamDecorator,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { SERVICE_REQUEST_HEADERS, verifyServiceRequest, type KeyRing } from '#lumen/crypto';
import {
  decidePurpose,
  isReference,
  ORDER_RECORD_PURPOSES,
  REFERENCE_KINDS,
  STAFF_ROLES,
  type Purpose,
  type StaffRole,
} from './access-policy';
import {
  AuditUnavailableError,
  type PersonalDataAuditLog,
  type PersonalDataRead,
} from './personal-data-audit';
import { STAFF_ASSERTION_HEADER, verifyStaffAssertion } from './staff-assertion';

export const PURPOSE_HEADER = 'lumen-purpose';
export const REFERENCE_HEADER = 'lumen-reference';

export type Principal =
  | {
      readonly kind: 'staff';
      readonly id: string;
      readonly role: StaffRole;
      readonly sessionId: string;
    }
  | { readonly kind: 'service'; readonly id: string };

/** What the guard established about a request; handlers read it with `@CurrentAccess()`. */
export interface Access {
  readonly principal: Principal;
  /** Set on personal-data reads: the pseudonymous subject, the purpose and the case. */
  readonly read?: {
    readonly subject: string;
    readonly purpose: Purpose | null;
    readonly reference: string | null;
  };
}

export interface StaffAccessRule {
  /** Staff roles allowed at all; none means no person may call. */
  readonly roles?: readonly StaffRole[];
  /** Services allowed by a signed service request; none means no service may call. */
  readonly services?: readonly string[];
  /**
   * Marks a read of personal data: the subject it is about (from the route parameters), and
   * the purposes this endpoint serves. A person must then state a purpose their role may use,
   * and a reference.
   */
  readonly personalData?: {
    readonly subject: (params: Readonly<Record<string, string>>) => string;
    readonly purposes: readonly Purpose[];
  };
}

/**
 * Reading one order's records in the service that keeps them (checkout's order, fulfilment's
 * shipment, under `:orderId`): any staff role or privacy's signed request, for an order-record
 * purpose; the read is audited against the order as its subject.
 */
export const ORDER_RECORD_ACCESS: StaffAccessRule = {
  roles: [...STAFF_ROLES],
  services: ['privacy'],
  personalData: {
    subject: (params) => `order:${params['orderId'] ?? ''}`,
    purposes: ORDER_RECORD_PURPOSES,
  },
};

export interface StaffAccessOptions {
  readonly keyRing: KeyRing;
  /** This service's name: staff assertions made out for any other service are refused. */
  readonly audience: string;
  /** Needed only by services that serve personal data. */
  readonly audit?: PersonalDataAuditLog;
}

export const STAFF_ACCESS_OPTIONS = Symbol('STAFF_ACCESS_OPTIONS');
const RULE_METADATA = 'lumen:staff-access-rule';

interface GuardedRequest {
  method: string;
  url: string;
  headers: Record<string, string | string[] | undefined>;
  params?: Record<string, string>;
  rawBody?: Buffer;
  lumenAccess?: Access;
}

function single(value: string | string[] | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function unauthenticated(reason: string): UnauthorizedException {
  return new UnauthorizedException({
    statusCode: 401,
    code: 'unauthenticated',
    message: `Sign in (${STAFF_ASSERTION_HEADER}) or sign the request with your service key; refused: ${reason}`,
  });
}

/**
 * Every internal endpoint: a valid staff assertion from privacy or a signed service request,
 * then the endpoint's rule (roles, services, and for personal data a purpose the role may use
 * with a reference). Refused personal-data reads are recorded in the audit log too.
 */
@Injectable()
export class StaffAccessGuard implements CanActivate {
  private readonly logger = new Logger(StaffAccessGuard.name);

  constructor(
    @Inject(STAFF_ACCESS_OPTIONS) private readonly options: StaffAccessOptions,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<GuardedRequest>();
    const rule = this.reflector.getAllAndOverride<StaffAccessRule | undefined>(RULE_METADATA, [
      context.getHandler(),
      context.getClass(),
    ]);
    // A guarded route without a rule is a programming error: refuse rather than open it.
    if (rule === undefined) throw new ForbiddenException('This endpoint declares no access rule');
    const principal = this.authenticate(request);
    if (principal.kind === 'staff' && !(rule.roles ?? []).includes(principal.role)) {
      throw new ForbiddenException({
        statusCode: 403,
        code: 'role-not-allowed',
        message: `The ${principal.role} role may not use this endpoint`,
      });
    }
    if (principal.kind === 'service' && !(rule.services ?? []).includes(principal.id)) {
      throw new ForbiddenException({
        statusCode: 403,
        code: 'service-not-allowed',
        message: `The ${principal.id} service may not use this endpoint`,
      });
    }
    if (rule.personalData === undefined) {
      request.lumenAccess = { principal };
      return true;
    }
    const subject = rule.personalData.subject(request.params ?? {});
    const purpose = single(request.headers[PURPOSE_HEADER]);
    const reference = single(request.headers[REFERENCE_HEADER]);
    if (principal.kind === 'service') {
      // A service's identity is its purpose; it may still name the case it works on, in the
      // same form as staff do (the audit log refuses anything else, which would surface as an
      // audit outage, a 503, instead of the caller's mistake).
      if (reference !== undefined && !isReference(reference)) {
        throw new BadRequestException({
          statusCode: 400,
          code: 'reference',
          message: `lumen-reference names the case as ${REFERENCE_KINDS.map((k) => `${k}:<id>`).join(', ')}`,
        });
      }
      request.lumenAccess = {
        principal,
        read: { subject, purpose: null, reference: reference ?? null },
      };
      return true;
    }
    const decision = decidePurpose(principal.role, purpose, reference, rule.personalData.purposes);
    if (decision.ok) {
      request.lumenAccess = {
        principal,
        read: { subject, purpose: decision.purpose, reference: decision.reference },
      };
      return true;
    }
    await this.recordRefusal({
      principalKind: 'staff',
      principalId: principal.id,
      role: principal.role,
      subject,
      fields: [],
      purpose: null,
      reference: null,
      outcome: 'refused',
      reason: decision.status === 400 ? 'purpose-missing' : 'purpose-not-allowed',
    });
    const body = { statusCode: decision.status, code: 'purpose', message: decision.message };
    throw decision.status === 400 ? new BadRequestException(body) : new ForbiddenException(body);
  }

  private authenticate(request: GuardedRequest): Principal {
    const assertion = single(request.headers[STAFF_ASSERTION_HEADER]);
    if (assertion !== undefined) {
      const check = verifyStaffAssertion(this.options.keyRing, assertion, this.options.audience);
      if (!check.ok) {
        throw unauthenticated(
          check.reason === 'wrong-audience'
            ? `staff assertion wrong-audience: it is made out for another service; ask privacy for one with audience '${this.options.audience}'`
            : `staff assertion ${check.reason}`,
        );
      }
      const { principalId, role, sessionId } = check.assertion;
      return { kind: 'staff', id: principalId, role, sessionId };
    }
    if (request.headers[SERVICE_REQUEST_HEADERS.signature] !== undefined) {
      const check = verifyServiceRequest(this.options.keyRing, {
        method: request.method,
        path: request.url,
        body: request.rawBody ?? '',
        headers: request.headers,
      });
      if (!check.ok) throw unauthenticated(`service signature ${check.reason}`);
      return { kind: 'service', id: check.service };
    }
    throw unauthenticated('no credentials');
  }

  private async recordRefusal(read: PersonalDataRead): Promise<void> {
    try {
      await this.options.audit?.record(read);
    } catch (error) {
      // The read is refused either way; a lost refusal record is logged, not hidden.
      this.logger.error('could not record a refused personal-data read', {
        reason: error instanceof Error ? error.message : String(error),
      });
    }
  }
}

/** Declares who may call an endpoint (or every endpoint of a controller) and guards it. */
export function StaffAccess(rule: StaffAccessRule): MethodDecorator & ClassDecorator {
  return applyDecorators(SetMetadata(RULE_METADATA, rule), UseGuards(StaffAccessGuard));
}

/**
 * Declares the rule without applying the guard: for an endpoint that also takes another
 * credential, whose own guard hands staff and service callers to `StaffAccessGuard`.
 */
export function DeclareStaffAccess(rule: StaffAccessRule): MethodDecorator & ClassDecorator {
  return SetMetadata(RULE_METADATA, rule);
}

export const CurrentAccess = createParamDecorator((_: unknown, context: ExecutionContext) => {
  const access = context.switchToHttp().getRequest<GuardedRequest>().lumenAccess;
  if (access === undefined) throw new Error('CurrentAccess used on a route without StaffAccess');
  return access;
});

/**
 * Records a granted read before its data is returned: if the audit log cannot take it, the
 * caller gets a 503 and no data.
 */
export async function recordGrantedRead(
  audit: PersonalDataAuditLog,
  access: Access,
  fields: readonly string[],
): Promise<void> {
  if (access.read === undefined) throw new Error('recordGrantedRead needs a personal-data rule');
  const { principal } = access;
  try {
    await audit.record({
      principalKind: principal.kind,
      principalId: principal.id,
      role: principal.kind === 'staff' ? principal.role : null,
      subject: access.read.subject,
      fields,
      purpose: access.read.purpose,
      reference: access.read.reference,
      outcome: 'granted',
      reason: null,
    });
  } catch (error) {
    if (error instanceof AuditUnavailableError) {
      throw new ServiceUnavailableException({
        statusCode: 503,
        code: 'audit-unavailable',
        message: 'The read could not be recorded, so no data is returned; try again shortly',
      });
    }
    throw error;
  }
}
