import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * The session cookie holds an opaque random token and nothing else: no name, no role, no id.
 * HttpOnly keeps it from scripts, Secure from plain HTTP, SameSite=Strict from other sites'
 * requests (so no CSRF token is needed), and its path limits it to the session endpoints.
 */
export const SESSION_COOKIE = 'lumen_staff_session';
const COOKIE_PATH = '/staff/sessions';

export function sessionTokenOf(request: FastifyRequest): string | undefined {
  const header = request.headers.cookie;
  if (header !== undefined) {
    for (const part of header.split(';')) {
      const [name, ...value] = part.trim().split('=');
      if (name === SESSION_COOKIE && value.length > 0) return value.join('=');
    }
  }
  // Tools without a cookie jar send the same token as a bearer.
  const authorization = request.headers.authorization;
  return authorization?.startsWith('Bearer ') === true ? authorization.slice(7) : undefined;
}

export function setSessionCookie(reply: FastifyReply, token: string, maxAgeSeconds: number): void {
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=${token}; Path=${COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Strict`,
  );
}

export function clearSessionCookie(reply: FastifyReply): void {
  void reply.header(
    'set-cookie',
    `${SESSION_COOKIE}=; Path=${COOKIE_PATH}; Max-Age=0; HttpOnly; Secure; SameSite=Strict`,
  );
}
