/**
 * # @lumen/staff-access
 *
 * The mechanism behind every internal endpoint: staff assertions (privacy's signed statement
 * that a person holds a live session and a role), the guard that accepts them or a signed
 * service request, the fixed list of purposes and which role may state which, the audit client
 * through which every personal-data read reaches privacy's hash-chained log, and RFC 6238 TOTP.
 * See docs/adr/0007-staff-access-and-audit.md.
 */
export {
  decidePurpose,
  isPurpose,
  isReference,
  isStaffRole,
  ORDER_RECORD_PURPOSES,
  PURPOSES,
  REFERENCE_KINDS,
  ROLE_PURPOSES,
  STAFF_ROLES,
  type Purpose,
  type PurposeDecision,
  type StaffRole,
} from './access-policy';
export {
  AUDIT_ENTRIES_PATH,
  AuditUnavailableError,
  HttpPersonalDataAuditLog,
  PersonalDataAuditLog,
  type PersonalDataRead,
} from './personal-data-audit';
export {
  issueStaffAssertion,
  MAX_ASSERTION_LIFETIME_MS,
  STAFF_ASSERTION_HEADER,
  STAFF_ASSERTION_ISSUER,
  verifyStaffAssertion,
  type StaffAssertion,
  type StaffAssertionCheck,
} from './staff-assertion';
export {
  CurrentAccess,
  DeclareStaffAccess,
  PURPOSE_HEADER,
  recordGrantedRead,
  REFERENCE_HEADER,
  STAFF_ACCESS_OPTIONS,
  StaffAccess,
  StaffAccessGuard,
  type Access,
  type Principal,
  type StaffAccessOptions,
  ORDER_RECORD_ACCESS,
  type StaffAccessRule,
} from './staff-access.guard';
export { staffAccessProviders, type StaffAccessSettings } from './staff-access.providers';
export {
  fromBase32,
  generateTotpSecret,
  hotp,
  matchTotpStep,
  TOTP_DIGITS,
  TOTP_STEP_SECONDS,
  toBase32,
  totpAt,
  totpUri,
  verifyTotp,
} from './totp';
