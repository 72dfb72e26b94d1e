import { FulfilmentException } from './fulfilment.exception';
import { Shipment } from './shipment';

const parcel = {
  weightGrams: 750,
  dimensionsMm: { length: 250, width: 180, height: 100 },
  itemCount: 1,
};
const base = {
  shipmentId: '0b6f0c1e-2f53-4d7e-9d3c-5d0b8c1b6a11',
  orderId: '6a1f5e0c-9c1d-4a57-8f0a-0f1f7d2b9e22',
  shipmentReference: 'shp_abcdefghijklmnopqrstuvwxyz',
  carrier: 'carrier-simulator',
  itemCount: 1,
  now: new Date('2026-11-25T09:00:00Z'),
};

describe('Shipment', () => {
  it('moves pending → handed_over → dispatched → delivered, recording each time', () => {
    const shipment = Shipment.create({ ...base, parcel });
    expect(shipment.status).toBe('pending');
    shipment.handOver('SIM-1', new Date('2026-11-25T09:01:00Z'));
    shipment.dispatch(new Date('2026-11-25T10:00:00Z'));
    shipment.deliver(new Date('2026-11-26T10:00:00Z'));
    expect(shipment.state).toMatchObject({
      status: 'delivered',
      carrierShipmentId: 'SIM-1',
      handedOverAt: new Date('2026-11-25T09:01:00Z'),
      dispatchedAt: new Date('2026-11-25T10:00:00Z'),
      deliveredAt: new Date('2026-11-26T10:00:00Z'),
      reasonCode: null,
    });
  });

  it('fails from pending with its reason, and then refuses every other change', () => {
    const shipment = Shipment.create({ ...base, parcel });
    shipment.fail('carrier-refused', base.now);
    expect(shipment.state).toMatchObject({ status: 'failed', reasonCode: 'carrier-refused' });
    expect(() => {
      shipment.handOver('SIM-1', base.now);
    }).toThrow(FulfilmentException);
    expect(() => {
      shipment.fail('carrier-unreachable', base.now);
    }).toThrow(FulfilmentException);
    expect(shipment.state.reasonCode).toBe('carrier-refused');
  });

  it('cannot be delivered before it was dispatched, nor dispatched before the handover', () => {
    const shipment = Shipment.create({ ...base, parcel });
    expect(() => {
      shipment.dispatch(base.now);
    }).toThrow(FulfilmentException);
    shipment.handOver('SIM-1', base.now);
    expect(() => {
      shipment.deliver(base.now);
    }).toThrow(FulfilmentException);
    expect(shipment.status).toBe('handed_over');
  });

  it('starts failed, without a parcel, when the goods cannot be packed', () => {
    const shipment = Shipment.failedAtCreation({
      ...base,
      itemCount: 900,
      reason: 'parcel-over-limit',
    });
    expect(shipment.state).toMatchObject({
      status: 'failed',
      reasonCode: 'parcel-over-limit',
      parcel: null,
      failedAt: base.now,
    });
  });
});
