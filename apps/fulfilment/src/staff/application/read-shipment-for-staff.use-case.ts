import { Injectable } from '@nestjs/common';
import type { StaffRole } from '#lumen/staff-access';
import { PersonalDataAuditLog, recordGrantedRead, type Access } from '#lumen/staff-access';
import { DeliveryAddressOpener } from '../../shipments/application/delivery-address.opener';

export type ShipmentField = 'status' | 'deliveryAddress';

/**
 * What each role sees of a shipment: fulfilment staff the delivery address and nothing more,
 * operations the status only, support and the privacy officer both.
 */
export const SHIPMENT_FIELDS_BY_ROLE: Readonly<Record<StaffRole, readonly ShipmentField[]>> = {
  fulfilment: ['deliveryAddress'],
  operations: ['status'],
  support: ['status', 'deliveryAddress'],
  'privacy-officer': ['status', 'deliveryAddress'],
};

export interface StaffShipmentRecord {
  readonly orderId: string;
  readonly status: string | null;
  readonly carrier: string | null;
  readonly updatedAt: Date | null;
  /** Null once handed to the carrier (or expired): fulfilment no longer holds it. */
  readonly sealedAddress: { readonly customerId: string; readonly sealed: string } | null;
}

export abstract class StaffShipmentReader {
  abstract find(orderId: string): Promise<StaffShipmentRecord | undefined>;
}

export interface StaffShipmentView {
  orderId: string;
  fields: ShipmentField[];
  status?: string | null;
  carrier?: string | null;
  updatedAt?: string | null;
  deliveryAddress?: unknown;
  addressHeld?: boolean;
}

/** One shipment for one person, the role's fields only, audited before it is answered. */
@Injectable()
export class ReadShipmentForStaff {
  constructor(
    private readonly shipments: StaffShipmentReader,
    private readonly addresses: DeliveryAddressOpener,
    private readonly audit: PersonalDataAuditLog,
  ) {}

  async execute(orderId: string, access: Access): Promise<StaffShipmentView | undefined> {
    const record = await this.shipments.find(orderId);
    if (record === undefined) return undefined;
    const { principal } = access;
    const fields: readonly ShipmentField[] =
      principal.kind === 'staff'
        ? SHIPMENT_FIELDS_BY_ROLE[principal.role]
        : ['status', 'deliveryAddress'];
    const view: StaffShipmentView = { orderId, fields: [...fields] };
    if (fields.includes('status')) {
      view.status = record.status;
      view.carrier = record.carrier;
      view.updatedAt = record.updatedAt?.toISOString() ?? null;
    }
    let readAddress = false;
    if (fields.includes('deliveryAddress')) {
      const opened =
        record.sealedAddress === null
          ? undefined
          : await this.addresses.open({
              customerId: record.sealedAddress.customerId,
              sealedAddress: record.sealedAddress.sealed,
            });
      if (opened?.ok === false && opened.reason === 'unavailable') {
        throw new Error('the key service is unavailable');
      }
      readAddress = opened?.ok === true;
      view.addressHeld = readAddress;
      view.deliveryAddress = opened?.ok === true ? opened.address : null;
    }
    await recordGrantedRead(this.audit, access, readAddress ? ['delivery.address'] : []);
    return view;
  }
}
