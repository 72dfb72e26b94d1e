import type { SubjectAccessFragmentDocument } from '#lumen/contracts';
import { assembleAccessPackage } from './access-package';
import { renderAccessPackageHtml } from './access-package.html';

const requestId = '7b0c1a52-3f7e-4a4e-9d7e-2d1f6f1f0a01';
const orderId = '9f1c0e52-3f7e-4a4e-9d7e-2d1f6f1f0a02';

function fragment(
  service: 'checkout' | 'fulfilment',
  value: string,
): SubjectAccessFragmentDocument {
  return {
    schemaVersion: 1,
    requestId,
    service,
    customerId: 'c1',
    generatedAt: '2026-11-25T10:00:00.000Z',
    sections: [
      {
        category: service === 'checkout' ? 'order-history' : 'shipments',
        purposes: ['to deliver your order'],
        legalBasis: 'contract',
        retentionCategory: service === 'checkout' ? 'accounting-records' : 'nowhere',
        source: 'you',
        items: [
          {
            itemId: orderId,
            orderId,
            policyVersion: service === 'checkout' ? '2026-11-25' : undefined,
            recordedAt: '2026-11-20T10:00:00.000Z',
            data: { value },
            unreadableFields: [],
            recipients:
              service === 'fulfilment'
                ? [
                    {
                      recipient: 'carrier',
                      fields: ['deliveryAddress'],
                      purpose: 'delivery',
                      at: '2026-11-21T10:00:00.000Z',
                    },
                  ]
                : [],
          },
        ],
      },
    ],
    staffAccess: [],
  };
}

describe('assembleAccessPackage', () => {
  const pkg = assembleAccessPackage({
    requestId,
    customerId: 'c1',
    receivedAt: new Date('2026-11-25T09:00:00Z'),
    identityVerifiedAt: new Date('2026-11-25T09:05:00Z'),
    dueOn: '2026-12-29',
    generatedAt: new Date('2026-11-25T10:00:00Z'),
    availableUntil: new Date('2026-12-25T10:00:00Z'),
    fragments: [
      {
        document: fragment('fulfilment', '<script>alert(1)</script>'),
        answeredAt: new Date(),
        recordCount: 1,
      },
      { document: fragment('checkout', 'lamp'), answeredAt: new Date(), recordCount: 1 },
    ],
    own: {
      emailOnFile: 'ada@example.com',
      emailOrderId: orderId,
      orders: [
        { orderId, placedAt: new Date('2026-11-20T10:00:00Z'), policyVersion: '2026-11-25' },
      ],
      requests: [],
      disclosures: [
        {
          disclosedAt: '2026-11-22T09:00:00.000Z',
          requestingBody: 'Metropolitan Police',
          legalBasis: 'DPA 2018 Sch 2 para 2',
          scope: ['contact.name'],
          subject: `order:${orderId}`,
          orderId,
        },
      ],
      staffAccess: [
        {
          at: '2026-11-21T12:00:00.000Z',
          role: 'support',
          purpose: 'delivery-query',
          what: 'contact.phone',
          heldBy: 'checkout',
        },
      ],
    },
    retention: (category) =>
      category === 'accounting-records'
        ? { category, period: 'P6Y', trigger: 'created', action: 'delete', basis: 'tax law' }
        : undefined,
  });

  it('keeps every service section with its retention, and adds privacy’s own', () => {
    expect(pkg.sections.map((s) => `${s.heldBy}:${s.category}`)).toEqual([
      'checkout:order-history',
      'fulfilment:shipments',
      'privacy:identity-contact',
      'privacy:subject-rights-requests',
    ]);
    expect(pkg.sections[0]?.retention).toEqual(expect.objectContaining({ period: 'P6Y' }));
    // A category the schedule does not know is shown as such, never invented.
    expect(pkg.sections[1]?.retention).toEqual({
      category: 'nowhere',
      period: 'not in the schedule',
    });
  });

  it('lists recipients, disclosures to authorities, staff reads and the policy version per order', () => {
    expect(pkg.recipients).toEqual([
      expect.objectContaining({ recipient: 'carrier', heldBy: 'fulfilment', orderId }),
      expect.objectContaining({
        recipient: 'Metropolitan Police',
        fields: ['contact.name'],
        heldBy: 'privacy',
        orderId,
      }),
    ]);
    expect(pkg.disclosures).toEqual([
      expect.objectContaining({ requestingBody: 'Metropolitan Police', orderId }),
    ]);
    expect(pkg.staffAccess).toEqual([
      expect.objectContaining({ role: 'support', purpose: 'delivery-query', heldBy: 'checkout' }),
    ]);
    expect(pkg.policyVersions).toEqual([
      { orderId, placedAt: '2026-11-20T10:00:00.000Z', policyVersion: '2026-11-25' },
    ]);
  });

  it('renders every value as text in the page', () => {
    const html = renderAccessPackageHtml(pkg);
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('ada@example.com');
    expect(html).toContain('Metropolitan Police');
  });
});
