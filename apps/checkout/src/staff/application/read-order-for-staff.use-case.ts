import { Injectable } from '@nestjs/common';
import { KeyServiceClient } from '#lumen/crypto';
import { PersonalDataAuditLog, recordGrantedRead, type Access } from '#lumen/staff-access';
import { storedSealContext } from '../../orders/domain/seal-contexts';
import {
  AUDITED_FIELD_NAMES,
  ORDER_FIELDS,
  ORDER_FIELDS_BY_ROLE,
  type OrderField,
} from './staff-order-fields';
import { StaffOrderReader } from './staff-order.reader';

export interface StaffOrderView {
  orderId: string;
  fields: OrderField[];
  status?: string;
  placedAt?: string;
  updatedAt?: string;
  contact?: { name: string; email: string; phone: string };
  deliveryAddress?: unknown;
}

/**
 * One order for one person: only the fields their role may see are opened, and the read is in
 * privacy's audit log before anything is returned (if the log is down, nothing is).
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
    const context = (column: Parameters<typeof storedSealContext>[0]) =>
      storedSealContext(column, order.customerId, order.orderId);
    if (fields.includes('status')) {
      view.status = order.status;
      view.placedAt = order.placedAt.toISOString();
      view.updatedAt = order.updatedAt.toISOString();
    }
    if (fields.includes('contact')) {
      const [name, email, phone] = await Promise.all([
        this.keys.open(order.sealed.customerName, context('customer_name')),
        this.keys.open(order.sealed.customerEmail, context('customer_email')),
        this.keys.open(order.sealed.customerPhone, context('customer_phone')),
      ]);
      view.contact = { name, email, phone };
    }
    if (fields.includes('deliveryAddress')) {
      view.deliveryAddress = JSON.parse(
        await this.keys.open(order.sealed.deliveryAddress, context('delivery_address')),
      ) as unknown;
    }
    await recordGrantedRead(
      this.audit,
      access,
      fields.flatMap((field) => AUDITED_FIELD_NAMES[field]),
    );
    return view;
  }
}
