import { ensureCarrierDevKeys, loadCarrierKeyRing, loadCarrierSigner } from '#lumen/carrier';
import type { EventSigner, KeyRing } from '#lumen/crypto';
import type { FulfilmentConfig } from '../../config/fulfilment.config';

/** Fulfilment's side of the carrier wire: the merchant signing key and the carrier's public keys. */
export class CarrierWireKeys {
  constructor(
    readonly merchantSigner: EventSigner,
    readonly carrierKeys: KeyRing,
  ) {}

  static load(config: FulfilmentConfig['carrier']): CarrierWireKeys {
    if (config.createDevKeys) ensureCarrierDevKeys(config.keysDir);
    return new CarrierWireKeys(
      loadCarrierSigner(config.signingKeyFile, 'merchant'),
      loadCarrierKeyRing(config.trustedKeyFile, 'carrier'),
    );
  }
}
