import { Injectable } from '@nestjs/common';
import { KeyServiceClient, KeyServiceError } from '#lumen/crypto';
import { PersonalDataAuditLog, recordGrantedRead, type Access } from '#lumen/staff-access';
import { CheckoutErrorCode, CheckoutException } from '../../orders/domain/checkout.exception';
import { storedSealContext, type StoredContactField } from '../../orders/domain/seal-contexts';
import {
  AUDITED_COLUMN_NAMES,
  ORDER_FIELDS,
  ORDER_FIELDS_BY_ROLE,
  type OrderField,
} from './staff-order-fields';
import {
  StaffOrderReader,
  type PersonalDataRemover,
  type StaffOrderRecord,
} from './staff-order.reader';

/**
 * Why an order's personal fields are gone: the row was masked by an erasure or by the
 * retention schedule, or (before the row is masked) the customer's keys were destroyed.
 */
export type PersonalDataRemoval = PersonalDataRemover | 'keys-destroyed';

export interface StaffOrderView {
  orderId: string;
  fields: OrderField[];
  status?: string;
  placedAt?: string;
  updatedAt?: string;
  /** Null when checkout no longer holds any of it (`personalData` says why). */
  contact?: { name: string | null; email: string | null; phone: string | null } | null;
  /** Null when checkout no longer holds it (`personalData` says why). */
  deliveryAddress?: unknown;
  /**
   * Only when the role may see personal fields and one of them is no longer held. `at` is when
   * the row was masked; null when only the keys are gone (the masking has not run yet).
   */
  personalData?: { removed: PersonalDataRemoval; at: string | null };
}

/**
 * One order for one person: only the fields their role may see are opened, and the read is in
 * privacy's audit log before anything is returned (if the log is down, nothing is). Personal
 * data that erasure or retention removed reads as null with the reason, never as an error: the
 * order itself is kept for accounting and staff still need its status.
 */
@Injectable()
export class ReadOrderForStaff {
  constructor(
    private readonly orders: StaffOrderReader,
    private readonly keys: KeyServiceClient,
    private readonly audit: PersonalDataAuditLog,
  ) {}

  async execute(orderId: string, access: Access): Promise<StaffOrderView | undefined> {
    const order = await this.orders.find(orderId);
    if (order === undefined) return undefined;
    const { principal } = access;
    const fields = principal.kind === 'staff' ? ORDER_FIELDS_BY_ROLE[principal.role] : ORDER_FIELDS;
    const view: StaffOrderView = { orderId, fields: [...fields] };
    // Each personal column the role may see, opened or (null) no longer held.
    const opened = new Map<StoredContactField, string | null>();
    const open = async (column: StoredContactField, sealed: string | null) => {
      const value = await this.openStored(order, column, sealed);
      opened.set(column, value);
      return value;
    };
    if (fields.includes('status')) {
      view.status = order.status;
      view.placedAt = order.placedAt.toISOString();
      view.updatedAt = order.updatedAt.toISOString();
    }
    if (fields.includes('contact')) {
      const [name, email, phone] = await Promise.all([
        open('customer_name', order.sealed.customerName),
        open('customer_email', order.sealed.customerEmail),
        open('customer_phone', order.sealed.customerPhone),
      ]);
      view.contact =
        name === null && email === null && phone === null ? null : { name, email, phone };
    }
    if (fields.includes('deliveryAddress')) {
      const address = await open('delivery_address', order.sealed.deliveryAddress);
      view.deliveryAddress = address === null ? null : (JSON.parse(address) as unknown);
    }
    if ([...opened.values()].includes(null)) {
      const removed = order.personalDataRemoved;
      view.personalData =
        removed === null
          ? { removed: 'keys-destroyed', at: null }
          : { removed: removed.by, at: removed.at.toISOString() };
    }
    // Only what was opened is recorded as read: a removed field was not disclosed to anyone.
    await recordGrantedRead(
      this.audit,
      access,
      Object.entries(AUDITED_COLUMN_NAMES)
        .filter(([column]) => typeof opened.get(column as StoredContactField) === 'string')
        .map(([, name]) => name),
    );
    return view;
  }

  /** The opened value, or null when the order no longer holds it or its key is destroyed. */
  private async openStored(
    order: StaffOrderRecord,
    column: StoredContactField,
    sealed: string | null,
  ): Promise<string | null> {
    if (sealed === null || order.customerId === null) return null;
    try {
      return await this.keys.open(
        sealed,
        storedSealContext(column, order.customerId, order.orderId),
      );
    } catch (error) {
      if (!(error instanceof KeyServiceError)) throw error;
      switch (error.code) {
        case 'destroyed':
        case 'not-found':
          return null;
        case 'unavailable':
          throw new CheckoutException(
            CheckoutErrorCode.KeyServiceUnavailable,
            'Orders cannot be read right now; try again shortly',
          );
        case 'unauthenticated':
        case 'forbidden':
        case 'conflict':
        case 'invalid-request':
          // A configuration problem (keys, grants): an error to fix, not an answer to give.
          throw error;
      }
    }
  }
}
