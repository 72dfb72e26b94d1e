import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CertifiedKeyFile, GatewayRootFile } from '#lumen/payment-gateway';
import { pinnedRootToFile, GatewayRootKey } from '#lumen/payment-gateway';
import { AuthorityStore, type StoredAuthority } from '../application/authority-store';
import type { RegistryState } from '../domain/merchant-registry';

/**
 * The CA on disk (development: `.lumen/gateway/`): `root-key.json` and `answer-key.json`
 * (private, 0600), `root.json` (the public root merchants pin), `operator-token` (0600),
 * `registry.json` (certificates, merchants, revocations).
 */
export class FileAuthorityStore extends AuthorityStore {
  constructor(private readonly dir: string) {
    super();
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  }

  override load(): StoredAuthority {
    return {
      root: this.read('root-key.json') as GatewayRootFile | undefined,
      answerKey: this.read('answer-key.json') as CertifiedKeyFile | undefined,
      operatorToken: existsSync(join(this.dir, 'operator-token'))
        ? readFileSync(join(this.dir, 'operator-token'), 'utf8').trim()
        : undefined,
      registry: this.read('registry.json') as RegistryState | undefined,
    };
  }

  override saveKeys(root: GatewayRootFile, answerKey: CertifiedKeyFile): void {
    this.write('root-key.json', JSON.stringify(root, null, 2), 0o600);
    this.write('answer-key.json', JSON.stringify(answerKey, null, 2), 0o600);
    const pinned = pinnedRootToFile(GatewayRootKey.fromFile(root).pinned);
    this.write('root.json', JSON.stringify(pinned, null, 2), 0o644);
  }

  override saveOperatorToken(token: string): void {
    this.write('operator-token', `${token}\n`, 0o600);
  }

  override saveRegistry(state: RegistryState): void {
    this.write('registry.json', JSON.stringify(state, null, 2), 0o600);
  }

  private read(name: string): unknown {
    const path = join(this.dir, name);
    return existsSync(path) ? JSON.parse(readFileSync(path, 'utf8')) : undefined;
  }

  private write(name: string, text: string, mode: number): void {
    const path = join(this.dir, name);
    const temporary = `${path}.${process.pid}.tmp`;
    writeFileSync(temporary, text, { mode });
    renameSync(temporary, path);
  }
}
