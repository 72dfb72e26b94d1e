import {
  buildCarrierShipment,
  CarrierPayloadError,
  carrierIdempotencyKeyOf,
  carrierShipmentV1Schema,
  IDEMPOTENCY_KEY_PATTERN,
  newShipmentReference,
  SHIPMENT_REFERENCE_PATTERN,
  type DeliveryAddress,
} from '#lumen/carrier';

const parcel = {
  weightGrams: 900,
  dimensionsMm: { length: 250, width: 180, height: 40 },
  itemCount: 1,
};
const address: DeliveryAddress = {
  recipientName: 'Grace  Hopper ',
  lines: ['  1 Infinite Loop', 'Building\t4'],
  city: 'Cupertino',
  region: 'CA',
  postcode: '95014',
  country: 'US',
};

describe('buildCarrierShipment', () => {
  it('builds the allow-listed payload, tidied, with the derived idempotency key', () => {
    const shipmentReference = newShipmentReference();
    expect(buildCarrierShipment({ address, parcel, shipmentReference })).toEqual({
      shipmentReference,
      idempotencyKey: carrierIdempotencyKeyOf(shipmentReference),
      recipientName: 'Grace Hopper',
      address: {
        lines: ['1 Infinite Loop', 'Building 4'],
        city: 'Cupertino',
        region: 'CA',
        postcode: '95014',
        country: 'US',
      },
      parcel,
    });
  });

  it('drops whatever else the opened address or parcel carries, before validation', () => {
    const leaky = {
      ...address,
      email: 'grace@example.com',
      phone: '+1 408 555 0100',
      customerId: 'c-1',
    } as DeliveryAddress;
    const built = buildCarrierShipment({
      address: leaky,
      parcel: {
        ...parcel,
        orderId: 'o-1',
        dimensionsMm: { ...parcel.dimensionsMm, note: 'x' },
      } as typeof parcel,
      shipmentReference: newShipmentReference(),
    });
    const serialised = JSON.stringify(built);
    for (const leaked of ['grace@example.com', '555', 'c-1', 'o-1', 'note']) {
      expect(serialised).not.toContain(leaked);
    }
    expect(carrierShipmentV1Schema.safeParse(built).success).toBe(true);
  });

  it('omits region and postcode when the address has none', () => {
    const { region: _region, postcode: _postcode, ...bare } = address;
    const built = buildCarrierShipment({
      address: bare,
      parcel,
      shipmentReference: newShipmentReference(),
    });
    expect(Object.keys(built.address).sort()).toEqual(['city', 'country', 'lines']);
  });

  it('refuses an invalid payload with the fields named and no values quoted', () => {
    let error: unknown;
    try {
      buildCarrierShipment({
        address: { ...address, lines: ['1 Loop', 'mail grace@example.com'], country: 'ZZ' },
        parcel: { ...parcel, weightGrams: 0 },
        shipmentReference: 'order-42',
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CarrierPayloadError);
    const problems = (error as CarrierPayloadError).problems;
    expect(problems.map((problem) => problem.split(':')[0]).sort()).toEqual([
      'address.country',
      'address.lines.1',
      'parcel.weightGrams',
      'shipmentReference',
    ]);
    expect((error as Error).message).not.toContain('grace@example.com');
    expect((error as Error).message).not.toContain('order-42');
  });

  it('refuses input that is not text where text belongs, by field', () => {
    expect(() =>
      buildCarrierShipment({
        address: { ...address, city: 42 as unknown as string, lines: 'x' as unknown as string[] },
        parcel,
        shipmentReference: newShipmentReference(),
      }),
    ).toThrow(/address\.lines.*address\.city|address\.city.*address\.lines/);
  });
});

describe('shipment references and idempotency keys', () => {
  it('are random, opaque and well-formed', () => {
    const references = Array.from({ length: 2_000 }, newShipmentReference);
    expect(new Set(references).size).toBe(references.length);
    for (const reference of references) expect(reference).toMatch(SHIPMENT_REFERENCE_PATTERN);
  });

  it('give one stable idempotency key per shipment and different keys for different ones', () => {
    const a = newShipmentReference();
    const b = newShipmentReference();
    expect(carrierIdempotencyKeyOf(a)).toBe(carrierIdempotencyKeyOf(a));
    expect(carrierIdempotencyKeyOf(a)).not.toBe(carrierIdempotencyKeyOf(b));
    expect(carrierIdempotencyKeyOf(a)).toMatch(IDEMPOTENCY_KEY_PATTERN);
  });
});
