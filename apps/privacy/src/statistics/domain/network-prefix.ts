import { isIPv4, isIPv6 } from 'node:net';

/** How much of an address is kept: a /24 of IPv4 (256 hosts), a /48 of IPv6 (a whole site). */
export const IPV4_PREFIX_BITS = 24;
export const IPV6_PREFIX_BITS = 48;

function ipv6Groups(address: string): number[] | undefined {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): string[] => (part === '' ? [] : part.split(':'));
  let left = parse(head);
  let right = tail === undefined ? [] : parse(tail);
  // An embedded IPv4 tail (::ffff:192.0.2.1) is two groups.
  const convertTail = (groups: string[]): string[] => {
    const last = groups.at(-1);
    if (last === undefined || !isIPv4(last)) return groups;
    const [a = 0, b = 0, c = 0, d = 0] = last.split('.').map(Number);
    return [...groups.slice(0, -1), ((a << 8) | b).toString(16), ((c << 8) | d).toString(16)];
  };
  if (tail === undefined) left = convertTail(left);
  else right = convertTail(right);
  const missing = 8 - left.length - right.length;
  if (missing < 0 || (tail === undefined && missing !== 0)) return undefined;
  const groups = [...left, ...Array<string>(missing).fill('0'), ...right].map((g) =>
    parseInt(g, 16),
  );
  return groups.every((g) => Number.isInteger(g) && g >= 0 && g <= 0xffff) ? groups : undefined;
}

/**
 * The network an address belongs to, never the address: `203.0.113.0/24`,
 * `2001:db8:85a3::/48`. IPv4-mapped IPv6 addresses are treated as the IPv4 they carry. Anything
 * that is not an address is `unknown`.
 */
export function networkPrefixOf(address: string | undefined): string {
  if (address === undefined) return 'unknown';
  const bare = address.replace(/%.*$/, ''); // a zone id names an interface, not the visitor
  if (isIPv4(bare)) {
    const [a, b, c] = bare.split('.');
    return `${a}.${b}.${c}.0/${IPV4_PREFIX_BITS}`;
  }
  if (!isIPv6(bare)) return 'unknown';
  const groups = ipv6Groups(bare.toLowerCase());
  if (groups === undefined) return 'unknown';
  const mapped = groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff;
  if (mapped) {
    const [hi = 0, lo = 0] = groups.slice(6);
    return networkPrefixOf(`${hi >> 8}.${hi & 0xff}.${lo >> 8}.${lo & 0xff}`);
  }
  const kept = groups.slice(0, IPV6_PREFIX_BITS / 16).map((g) => g.toString(16));
  return `${kept.join(':')}::/${IPV6_PREFIX_BITS}`;
}
