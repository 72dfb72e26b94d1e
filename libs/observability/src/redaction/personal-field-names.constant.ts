/**
 * Keys whose values are personal data wherever they appear in a logged object, at any depth.
 * Matching ignores case, `_` and `-`, so `postal_code`, `PostalCode` and `postal-code` all
 * match `postalCode`. Keeping the whole policy in one list makes it reviewable in one place;
 * free-text e-mail addresses and card numbers are caught by pattern instead (see
 * `redactPersonalText`), so a key missing here does not leak those.
 */
export const PERSONAL_FIELD_NAMES: readonly string[] = [
  // contact
  'email',
  'emailAddress',
  'phone',
  'phoneNumber',
  // names
  'name',
  'firstName',
  'lastName',
  'fullName',
  'recipientName',
  // postal address
  'address',
  'addressLines',
  'line1',
  'line2',
  'postcode',
  'postalCode',
  'city',
  'region',
  // payment data and secrets
  'cardNumber',
  'pan',
  'cvv',
  'cardToken',
  'token',
  'password',
  // network identity
  'ip',
  'clientIp',
  'remoteAddress',
  'remoteAddr',
  'clientAddress',
  'userAgent',
  // headers a proxy adds with the client's address
  'x-forwarded-for',
  'x-real-ip',
  'forwarded',
  'true-client-ip',
  'cf-connecting-ip',
  // request headers that carry credentials
  'authorization',
  'cookie',
  'set-cookie',
  'x-api-key',
];

export const normalizeFieldName = (key: string): string => key.replace(/[-_]/g, '').toLowerCase();
