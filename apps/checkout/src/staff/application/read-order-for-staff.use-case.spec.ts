import { KeyServiceClient, KeyServiceError, type KeyServiceErrorCode } from '#lumen/crypto';
import { PersonalDataAuditLog, type Access, type PersonalDataRead } from '#lumen/staff-access';
import { CheckoutErrorCode, CheckoutException } from '../../orders/domain/checkout.exception';
import { ReadOrderForStaff } from './read-order-for-staff.use-case';
import { StaffOrderReader, type StaffOrderRecord } from './staff-order.reader';

/**
 * The key service's answers the staff read must survive: the integration spec covers masked rows
 * on the real stack; a key destroyed before checkout masked the row, or a key service that is
 * down, are timing windows a real run cannot pin, so they are driven here.
 */
const ORDER_ID = '6f1c2a94-0d7e-4b8e-9a43-4f4a0c3b7d21';
const record: StaffOrderRecord = {
  orderId: ORDER_ID,
  customerId: 'c0a8012e-5b7d-4c1e-8f3a-2d6b9e4f7a10',
  status: 'delivered',
  placedAt: new Date('2026-11-01T10:00:00Z'),
  updatedAt: new Date('2026-11-03T10:00:00Z'),
  sealed: {
    customerName: 'sealed-name',
    customerEmail: 'sealed-email',
    customerPhone: 'sealed-phone',
    deliveryAddress: 'sealed-address',
  },
  personalDataRemoved: null,
};

class OneOrder extends StaffOrderReader {
  override find(orderId: string): Promise<StaffOrderRecord | undefined> {
    return Promise.resolve(orderId === ORDER_ID ? record : undefined);
  }
}

class AuditTrail extends PersonalDataAuditLog {
  readonly reads: PersonalDataRead[] = [];
  override record(read: PersonalDataRead): Promise<void> {
    this.reads.push(read);
    return Promise.resolve();
  }
}

/** Opens every value as its plaintext, except those whose key answers with `failures`. */
function keys(failures: Readonly<Record<string, KeyServiceErrorCode>>): KeyServiceClient {
  const plain: Record<string, string> = {
    'sealed-name': 'Ada',
    'sealed-email': 'ada@example.com',
    'sealed-phone': '+44 20 7946 0001',
    'sealed-address': '{"city":"London"}',
  };
  const fake: Pick<KeyServiceClient, 'open'> = {
    open: (sealed: string) => {
      const failure = failures[sealed];
      if (failure !== undefined) {
        return Promise.reject(new KeyServiceError(failure, 404, `key ${failure}`));
      }
      return Promise.resolve(plain[sealed] ?? '');
    },
  };
  return fake as KeyServiceClient;
}

const support: Access = {
  principal: { kind: 'staff', id: 'staff-1', role: 'support', sessionId: 's-1' },
  read: { subject: `order:${ORDER_ID}`, purpose: 'customer-support', reference: 'ticket:T-1' },
};

describe('ReadOrderForStaff', () => {
  it('answers a destroyed contact key with null contact, marked, and audits only the address', async () => {
    const audit = new AuditTrail();
    const useCase = new ReadOrderForStaff(
      new OneOrder(),
      keys({
        'sealed-name': 'destroyed',
        'sealed-email': 'destroyed',
        'sealed-phone': 'not-found',
      }),
      audit,
    );
    const view = await useCase.execute(ORDER_ID, support);
    expect(view).toMatchObject({
      status: 'delivered',
      contact: null,
      deliveryAddress: { city: 'London' },
      personalData: { removed: 'keys-destroyed', at: null },
    });
    expect(audit.reads.map((read) => read.fields)).toEqual([['delivery.address']]);
  });

  it('audits every opened field, in a fixed order, when everything is held', async () => {
    const audit = new AuditTrail();
    const view = await new ReadOrderForStaff(new OneOrder(), keys({}), audit).execute(
      ORDER_ID,
      support,
    );
    expect(view).not.toHaveProperty('personalData');
    expect(view?.contact).toEqual({
      name: 'Ada',
      email: 'ada@example.com',
      phone: '+44 20 7946 0001',
    });
    expect(audit.reads.map((read) => read.fields)).toEqual([
      ['customer.name', 'customer.email', 'customer.phone', 'delivery.address'],
    ]);
  });

  it('refuses with key-service-unavailable (503) and records nothing when the key service is down', async () => {
    const audit = new AuditTrail();
    const useCase = new ReadOrderForStaff(
      new OneOrder(),
      keys({ 'sealed-address': 'unavailable' }),
      audit,
    );
    await expect(useCase.execute(ORDER_ID, support)).rejects.toEqual(
      expect.objectContaining({ code: CheckoutErrorCode.KeyServiceUnavailable }) as unknown,
    );
    await expect(useCase.execute(ORDER_ID, support)).rejects.toBeInstanceOf(CheckoutException);
    expect(audit.reads).toEqual([]);
  });
});
