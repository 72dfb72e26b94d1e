import type { CertifiedKeyFile, GatewayRootFile } from '#lumen/payment-gateway';
import type { RegistryState } from '../domain/merchant-registry';

export interface StoredAuthority {
  readonly root: GatewayRootFile | undefined;
  readonly answerKey: CertifiedKeyFile | undefined;
  readonly operatorToken: string | undefined;
  readonly registry: RegistryState | undefined;
}

/** Where the CA keeps its keys and what it issued, across restarts. */
export abstract class AuthorityStore {
  abstract load(): StoredAuthority;
  abstract saveKeys(root: GatewayRootFile, answerKey: CertifiedKeyFile): void;
  abstract saveOperatorToken(token: string): void;
  abstract saveRegistry(state: RegistryState): void;
}
