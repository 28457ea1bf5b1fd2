import { isIPv4, isIPv6 } from 'node:net';

/** An address as the client's: an IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) is its IPv4 address. */
export function normaliseAddress(address: string | undefined): string | null {
  if (!address) return null;
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped && isIPv4(mapped[1])) return mapped[1];
  return address.toLowerCase();
}

/**
 * What one client is, for counting its requests: its IPv4 address, or the /64
 * of an IPv6 address (a single subscriber is commonly given a whole /64, so
 * counting single IPv6 addresses would let one client count as billions).
 */
export function clientKey(address: string | undefined): string {
  const normal = normaliseAddress(address);
  if (!normal) return 'unknown';
  if (!isIPv6(normal)) return normal;
  return `${expandIPv6(normal).slice(0, 4).join(':')}::/64`;
}

/** The eight groups of an IPv6 address, `::` filled in (an embedded IPv4 tail counts as two). */
function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('::');
  const groups = (part: string | undefined): string[] =>
    part ? part.split(':').flatMap((g) => (g.includes('.') ? ['0', '0'] : [g])) : [];
  const left = groups(head);
  const right = groups(tail);
  const missing = 8 - left.length - right.length;
  return [...left, ...Array<string>(Math.max(0, missing)).fill('0'), ...right].map((g) =>
    (parseInt(g, 16) || 0).toString(16),
  );
}
