import { findCardNumbers, findContactData } from '#lumen/personal-data';

const MAX_PATH_LENGTH = 200;
const ID_LIKE =
  /^(\d{3,}|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}|[A-Za-z0-9_-]{20,})$/i;

/**
 * The page a view was of, safe to count: no query or fragment (they carry search terms and
 * tracking ids), and any segment that looks like an identifier, an e-mail, a phone number or a
 * card number replaced by `:id`, so an order page is counted as `/orders/:id`, not per order.
 */
export function countablePath(raw: string): string | undefined {
  if (!raw.startsWith('/')) return undefined;
  const path = raw.split(/[?#]/, 1)[0] ?? '/';
  let decoded: string;
  try {
    decoded = decodeURIComponent(path);
  } catch {
    return undefined;
  }
  const segments = decoded.split('/').map((segment) => {
    if (segment === '') return segment;
    const personal =
      ID_LIKE.test(segment) ||
      findContactData(segment) !== undefined ||
      findCardNumbers(segment).length > 0 ||
      segment.includes('@');
    return personal ? ':id' : segment.toLowerCase();
  });
  const clean = segments.join('/');
  return clean.length > MAX_PATH_LENGTH ? undefined : clean;
}
