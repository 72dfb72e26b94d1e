import { buildCarrierShipment, newShipmentReference, type CarrierShipmentV1 } from '#lumen/carrier';
import { ShipmentBook } from './shipment-book';

const shipment = (): CarrierShipmentV1 =>
  buildCarrierShipment({
    shipmentReference: newShipmentReference(),
    address: { recipientName: 'Ada Lovelace', lines: ['1 High St'], city: 'Leeds', country: 'GB' },
    parcel: { weightGrams: 10, dimensionsMm: { length: 1, width: 1, height: 1 }, itemCount: 1 },
  });
const now = new Date('2026-11-25T10:00:00Z');

describe('ShipmentBook', () => {
  it('creates a shipment once per idempotency key and answers repeats with the same one', () => {
    const book = new ShipmentBook();
    const payload = shipment();
    const first = book.handOver(payload, null, now);
    const again = book.handOver(structuredClone(payload), null, now);
    expect(first.kind).toBe('created');
    expect(again).toEqual({
      kind: 'existing',
      shipment: (first as { shipment: unknown }).shipment,
    });
    expect(book.shipments).toHaveLength(1);
  });

  it('treats the same payload with its keys in another order as the same shipment', () => {
    const book = new ShipmentBook();
    const payload = shipment();
    book.handOver(payload, null, now);
    const reordered = JSON.parse(
      JSON.stringify({
        parcel: payload.parcel,
        address: payload.address,
        shipmentReference: payload.shipmentReference,
        idempotencyKey: payload.idempotencyKey,
        recipientName: payload.recipientName,
      }),
    ) as CarrierShipmentV1;
    expect(book.handOver(reordered, null, now).kind).toBe('existing');
  });

  it('refuses a reused key with a different payload as a conflict', () => {
    const book = new ShipmentBook();
    const payload = shipment();
    book.handOver(payload, null, now);
    expect(book.handOver({ ...payload, recipientName: 'Someone Else' }, null, now)).toEqual({
      kind: 'conflict',
    });
  });

  it('remembers a refusal for good, and refuses nothing it had accepted', () => {
    const book = new ShipmentBook();
    const refused = shipment();
    const accepted = shipment();
    book.handOver(accepted, null, now);
    const refuse = { code: 'unserviceable-address', reason: 'No deliveries there' };
    expect(book.handOver(refused, refuse, now)).toEqual({
      kind: 'refused',
      refusal: { shipmentReference: refused.shipmentReference, ...refuse },
    });
    expect(book.handOver(refused, null, now).kind).toBe('refused');
    expect(book.handOver(accepted, refuse, now).kind).toBe('existing');
    expect(book.shipments).toHaveLength(1);
  });
});
