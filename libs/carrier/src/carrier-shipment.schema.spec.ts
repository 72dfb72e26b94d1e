import {
  carrierShipmentV1Schema,
  carrierIdempotencyKeyOf,
  newShipmentReference,
  type CarrierShipmentV1,
} from '#lumen/carrier';

const reference = newShipmentReference();

function valid(): CarrierShipmentV1 {
  return {
    shipmentReference: reference,
    idempotencyKey: carrierIdempotencyKeyOf(reference),
    recipientName: 'Ada Lovelace',
    address: {
      lines: ['12 St James’s Square', 'Flat 3'],
      city: 'London',
      region: 'Greater London',
      postcode: 'SW1Y 4JH',
      country: 'GB',
    },
    parcel: {
      weightGrams: 1_250,
      dimensionsMm: { length: 300, width: 200, height: 100 },
      itemCount: 2,
    },
  };
}

/** Sets `value` at a dotted path of a fresh valid payload. */
function withValue(path: string, value: unknown): unknown {
  const payload = valid() as unknown as Record<string, unknown>;
  const keys = path.split('.');
  let node: Record<string, unknown> = payload;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  const last = keys.at(-1)!;
  if (value === undefined) Reflect.deleteProperty(node, last);
  else node[last] = value;
  return payload;
}

function issuesOf(payload: unknown): string[] {
  const result = carrierShipmentV1Schema.safeParse(payload);
  return result.success ? [] : result.error.issues.map((issue) => issue.path.join('.'));
}

describe('carrier shipment payload (the allow-list)', () => {
  it('accepts a complete payload and holds exactly the allowed keys', () => {
    const parsed = carrierShipmentV1Schema.parse(valid());
    expect(parsed).toEqual(valid());
    expect(Object.keys(parsed).sort()).toEqual([
      'address',
      'idempotencyKey',
      'parcel',
      'recipientName',
      'shipmentReference',
    ]);
    expect(Object.keys(parsed.address).sort()).toEqual([
      'city',
      'country',
      'lines',
      'postcode',
      'region',
    ]);
    expect(Object.keys(parsed.parcel).sort()).toEqual(['dimensionsMm', 'itemCount', 'weightGrams']);
  });

  it('accepts an address without region and postcode (countries that have none)', () => {
    const payload = withValue('address.region', undefined);
    delete (payload as { address: { postcode?: string } }).address.postcode;
    expect(issuesOf(payload)).toEqual([]);
  });

  it.each([
    ['', 'email', 'ada@example.com'],
    ['', 'phone', '+44 20 7946 0000'],
    ['', 'orderId', '6f1c2d3e-0000-4000-8000-000000000000'],
    ['', 'customerId', '6f1c2d3e-0000-4000-8000-000000000001'],
    ['address', 'email', 'ada@example.com'],
    ['address', 'phone', '+44 20 7946 0000'],
    ['parcel', 'contents', 'a book'],
    ['parcel.dimensionsMm', 'volume', 6],
  ])('refuses an extra key %s.%s', (at, key, value) => {
    const payload = valid() as unknown as Record<string, unknown>;
    let node = payload;
    for (const step of at ? at.split('.') : []) node = node[step] as Record<string, unknown>;
    node[key] = value;
    const result = carrierShipmentV1Schema.safeParse(payload);
    expect(result.success).toBe(false);
    expect(result.error!.issues[0]).toMatchObject({ code: 'unrecognized_keys', keys: [key] });
  });

  it.each<[string, unknown]>([
    ['shipmentReference', undefined],
    ['shipmentReference', 'order-6f1c2d3e'],
    ['shipmentReference', 'shp_ABCDEFGHIJKLMNOPQRSTUVWXYZ'],
    ['shipmentReference', 'shp_abc'],
    ['idempotencyKey', undefined],
    ['idempotencyKey', 'idk_short'],
    ['idempotencyKey', 42],
    ['recipientName', undefined],
    ['recipientName', ''],
    ['recipientName', 'x'.repeat(201)],
    ['recipientName', ' Ada'],
    ['recipientName', 'Ada\u0000'],
    ['recipientName', 'Ada \u202Eecalevol'],
    ['recipientName', 'Ade\u0301le'],
    ['recipientName', 'Ada ada@example.com'],
    ['address', undefined],
    ['address.lines', undefined],
    ['address.lines', []],
    ['address.lines', ['1', '2', '3', '4', '5']],
    ['address.lines', ['']],
    ['address.lines', ['12 High St', 'tel 07700 900123']],
    ['address.lines', 'a string, not a list'],
    ['address.city', undefined],
    ['address.city', 'x'.repeat(101)],
    ['address.city', 'London\n'],
    ['address.region', ''],
    ['address.region', 'x'.repeat(101)],
    ['address.postcode', ''],
    ['address.postcode', 'x'.repeat(21)],
    ['address.country', undefined],
    ['address.country', 'gb'],
    ['address.country', 'GBR'],
    ['address.country', 'XX'],
    ['address.country', 'EU'],
    ['parcel', undefined],
    ['parcel.weightGrams', 0],
    ['parcel.weightGrams', 70_001],
    ['parcel.weightGrams', 1.5],
    ['parcel.weightGrams', '100'],
    ['parcel.dimensionsMm', undefined],
    ['parcel.dimensionsMm.length', 0],
    ['parcel.dimensionsMm.width', 3_001],
    ['parcel.dimensionsMm.height', -1],
    ['parcel.itemCount', 0],
    ['parcel.itemCount', 1_001],
    ['parcel.itemCount', undefined],
  ])('refuses %s = %j', (path, value) => {
    const issues = issuesOf(withValue(path, value));
    expect(issues.length).toBeGreaterThan(0);
    for (const issue of issues) expect(`${issue}.`.startsWith(`${path}.`)).toBe(true);
  });

  it('never quotes the refused value in its messages', () => {
    const secret = 'Ada secret@example.com';
    const result = carrierShipmentV1Schema.safeParse(withValue('recipientName', secret));
    expect(JSON.stringify(result.error!.issues)).not.toContain('secret@example.com');
  });
});
