import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Param,
  Post,
  Req,
  Res,
  UseFilters,
} from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SERVICE_NAMES } from '#lumen/contracts';
import { CurrentAccess, STAFF_ROLES, StaffAccess, type Access } from '#lumen/staff-access';
import { CreateStaffAccount } from '../application/create-staff-account.use-case';
import { DisableStaffAccount } from '../application/disable-staff-account.use-case';
import { EnrolSecondFactor } from '../application/enrol-second-factor.use-case';
import { IssueStaffAssertion } from '../application/issue-staff-assertion.use-case';
import { Reauthenticate } from '../application/reauthenticate.use-case';
import { SignIn } from '../application/sign-in.use-case';
import { StaffAccountRepository } from '../application/staff-account.repository';
import { StaffSessionStore } from '../application/staff-session.store';
import { parseOrRefuse } from './parse-or-refuse';
import { clearSessionCookie, sessionTokenOf, setSessionCookie } from './session-cookie';
import { StaffExceptionFilter } from './staff-exception.filter';

export const SESSION_MAX_AGE_SECONDS = Symbol('SESSION_MAX_AGE_SECONDS');

const signInSchema = z.strictObject({
  login: z.string().min(1).max(64),
  password: z.string().min(1).max(1024),
  totpCode: z.string().max(12).optional(),
  // The service the first assertion is for; privacy itself unless the caller says otherwise.
  audience: z.enum(SERVICE_NAMES).default('privacy'),
});
const assertionSchema = z.strictObject({ audience: z.enum(SERVICE_NAMES) });
const createAccountSchema = z.strictObject({
  login: z.string().max(64),
  role: z.enum(STAFF_ROLES),
  password: z.string().max(1024),
  // The officer opening the account signs in again: an assertion alone does not suffice.
  officerPassword: z.string().min(1).max(1024),
  officerTotpCode: z.string().max(12).optional(),
});
const reauthenticationSchema = z.strictObject({
  password: z.string().min(1).max(1024),
  totpCode: z.string().max(12).optional(),
});
const confirmSchema = z.strictObject({ code: z.string().regex(/^\d{6}$/, 'six digits') });

@Controller('staff')
@UseFilters(StaffExceptionFilter)
export class StaffController {
  constructor(
    private readonly signIn: SignIn,
    private readonly assertions: IssueStaffAssertion,
    private readonly sessions: StaffSessionStore,
    private readonly createAccount: CreateStaffAccount,
    private readonly secondFactor: EnrolSecondFactor,
    private readonly accounts: StaffAccountRepository,
    private readonly reauthenticate: Reauthenticate,
    private readonly disableAccount: DisableStaffAccount,
    @Inject(SESSION_MAX_AGE_SECONDS) private readonly sessionMaxAgeSeconds: number,
  ) {}

  /** Public: the sign-in itself. Lockout after five failures is the brake on guessing. */
  @Post('sessions')
  @HttpCode(201)
  async create(@Body() body: unknown, @Res({ passthrough: true }) reply: FastifyReply) {
    const input = parseOrRefuse(signInSchema, body);
    const { token, session } = await this.signIn.execute(input);
    setSessionCookie(reply, token, this.sessionMaxAgeSeconds);
    const { token: assertion, assertion: claims } = await this.assertions.execute(
      token,
      input.audience,
    );
    void reply.header('cache-control', 'no-store');
    return {
      principalId: session.principalId,
      role: session.role,
      assertion,
      assertionAudience: claims.audience,
      assertionExpiresAt: new Date(claims.expiresAt).toISOString(),
    };
  }

  /** Public route, but only a live session cookie (or bearer) gets anything. */
  @Post('sessions/current/assertion')
  @HttpCode(201)
  async assertion(
    @Req() request: FastifyRequest,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    // No session is told so before anything about the body: callers without one learn nothing.
    const session = await this.assertions.liveSession(sessionTokenOf(request));
    const { audience } = parseOrRefuse(assertionSchema, body);
    const { token, assertion } = this.assertions.issue(session, audience);
    void reply.header('cache-control', 'no-store');
    return {
      assertion: token,
      audience: assertion.audience,
      expiresAt: new Date(assertion.expiresAt).toISOString(),
    };
  }

  @Delete('sessions/current')
  @HttpCode(204)
  async end(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply) {
    const token = sessionTokenOf(request);
    if (token !== undefined) await this.sessions.end(token);
    clearSessionCookie(reply);
  }

  @Post('accounts')
  @HttpCode(201)
  @StaffAccess({ roles: ['privacy-officer'] })
  async open(@CurrentAccess() access: Access, @Body() body: unknown) {
    const { officerPassword, officerTotpCode, ...account } = parseOrRefuse(
      createAccountSchema,
      body,
    );
    await this.reauthenticate.execute(
      access.principal.id,
      { password: officerPassword, totpCode: officerTotpCode },
      { password: 'officerPassword', code: 'officerTotpCode' },
    );
    return this.createAccount.execute(account);
  }

  @Get('accounts')
  @StaffAccess({ roles: ['privacy-officer'] })
  async list() {
    const accounts = await this.accounts.list();
    return accounts.map((account) => ({
      principalId: account.principalId,
      login: account.login,
      role: account.role,
      secondFactor: account.totpSecret !== null,
      lastSignInAt: account.lastSignInAt?.toISOString() ?? null,
      disabled: account.disabledAt !== null,
    }));
  }

  @Post('accounts/:principalId/disable')
  @HttpCode(204)
  @StaffAccess({ roles: ['privacy-officer'] })
  async disable(@CurrentAccess() access: Access, @Param('principalId') principalId: string) {
    await this.disableAccount.execute(access.principal.id, principalId);
  }

  @Post('me/totp')
  @HttpCode(201)
  @StaffAccess({ roles: [...STAFF_ROLES] })
  async startSecondFactor(
    @CurrentAccess() access: Access,
    @Body() body: unknown,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    const credentials = parseOrRefuse(reauthenticationSchema, body);
    void reply.header('cache-control', 'no-store');
    return this.secondFactor.start(access.principal.id, credentials);
  }

  @Post('me/totp/confirmation')
  @HttpCode(204)
  @StaffAccess({ roles: [...STAFF_ROLES] })
  async confirmSecondFactor(@CurrentAccess() access: Access, @Body() body: unknown) {
    await this.secondFactor.confirm(access.principal.id, parseOrRefuse(confirmSchema, body).code);
  }
}
