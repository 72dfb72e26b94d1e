import { createHash, randomBytes } from 'node:crypto';

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

function base32(bytes: Buffer): string {
  let bits = 0;
  let value = 0;
  let out = '';
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xfff; // only the bits not yet written matter
    bits += 8;
    while (bits >= 5) {
      out += BASE32.charAt((value >>> (bits - 5)) & 31);
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32.charAt((value << (5 - bits)) & 31);
  return out;
}

/**
 * A fresh shipment reference: 128 random bits, so nothing about the order or the customer can
 * be read from it or guessed from them. The merchant creates it once per shipment and keeps it;
 * it is the only handle the carrier and the merchant share.
 */
export function newShipmentReference(): string {
  return `shp_${base32(randomBytes(16))}`;
}

/**
 * The carrier idempotency key of a shipment. Derived from the shipment reference (and only
 * from it), so every attempt to hand the same shipment over carries the same key, even after a
 * restart, without storing a second value; it tells the carrier nothing the reference does not.
 */
export function carrierIdempotencyKeyOf(shipmentReference: string): string {
  const digest = createHash('sha256')
    .update(`lumen-carrier-idempotency-v1\n${shipmentReference}`)
    .digest('base64url');
  return `idk_${digest}`;
}
