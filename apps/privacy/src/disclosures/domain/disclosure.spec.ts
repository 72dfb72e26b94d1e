import {
  checkApproval,
  isApproved,
  isVisibleToSubject,
  scopedExport,
  type Disclosure,
} from './disclosure';

const base: Disclosure = {
  disclosureId: 'd1',
  subject: 'order:1',
  requestingBody: 'Metropolitan Police',
  legalBasis: 'DPA 2018 Sch 2 para 2',
  scope: ['deliveryAddress'],
  reference: 'disclosure:REQ-1',
  requestedBy: 'stf_a',
  requestedAt: new Date(),
  approvals: [],
  exportedAt: null,
  restriction: null,
};

describe('disclosures', () => {
  it('needs two different approvers', () => {
    const once = { ...base, approvals: [{ by: 'stf_a', at: new Date() }] };
    expect(isApproved(once)).toBe(false);
    expect(checkApproval(once, 'stf_a')).toBe('already-approved-by-you');
    expect(checkApproval(once, 'stf_b')).toBeNull();
    const twice = { ...once, approvals: [...once.approvals, { by: 'stf_b', at: new Date() }] };
    expect(isApproved(twice)).toBe(true);
    expect(checkApproval(twice, 'stf_c')).toBe('fully-approved');
  });

  it('exports the scoped fields only', () => {
    const record = {
      status: 'shipped',
      contact: { name: 'Ada', email: 'ada@example.com', phone: '+44 20 7946 0001' },
      deliveryAddress: { postcode: 'SW1Y 4JH' },
    };
    expect(scopedExport(record, ['contact.email'])).toEqual({
      contact: { email: 'ada@example.com' },
    });
    expect(scopedExport(record, ['deliveryAddress', 'status'])).toEqual({
      deliveryAddress: { postcode: 'SW1Y 4JH' },
      status: 'shipped',
    });
  });

  it('is hidden from the subject until the restriction review date', () => {
    const restricted = {
      ...base,
      restriction: { until: '2027-01-31', reason: 'ongoing investigation' },
    };
    expect(isVisibleToSubject(restricted, '2027-01-30')).toBe(false);
    expect(isVisibleToSubject(restricted, '2027-01-31')).toBe(true);
    expect(isVisibleToSubject(base, '2020-01-01')).toBe(true);
  });
});
