import { EventSigner, generateSigningKey, type KeyRing } from '#lumen/crypto';
import { ensureCarrierDevKeys, loadCarrierKeyRing, loadCarrierSigner } from '#lumen/carrier';
import type { CarrierSimulatorConfig } from '../../config/carrier-simulator.config';

/** The simulator's key material: its signing key, the merchant keys it trusts, and two wrong keys. */
export class CarrierSimulatorKeys {
  constructor(
    readonly signer: EventSigner,
    readonly merchantKeys: KeyRing,
    /** A key no merchant trusts (the `unknown` callback switch). */
    readonly unknownSigner: EventSigner,
    /** Another private key behind the carrier's own key id (the `forged` callback switch). */
    readonly forgedSigner: EventSigner,
  ) {}

  static load(config: CarrierSimulatorConfig): CarrierSimulatorKeys {
    if (config.createDevKeys) ensureCarrierDevKeys(config.keysDir);
    const signer = loadCarrierSigner(config.signingKeyFile, 'carrier');
    const merchantKeys = loadCarrierKeyRing(config.merchantKeyFile, 'merchant');
    const stranger = generateSigningKey('carrier').signing;
    return new CarrierSimulatorKeys(
      signer,
      merchantKeys,
      new EventSigner(stranger),
      new EventSigner({ ...stranger, keyId: signer.keyId }),
    );
  }
}
