import { Controller, Get, Header } from '@nestjs/common';
import {
  pinnedRootToFile,
  type GatewayCertificate,
  type PinnedRootFile,
  type RevocationList,
} from '#lumen/payment-gateway';
import { GatewayAuthority } from '../application/gateway-authority';

/** Public: the signed revocation list (issued fresh on every call) and the root to pin. */
@Controller()
export class RevocationListController {
  constructor(private readonly authority: GatewayAuthority) {}

  @Get('revocation-list')
  @Header('cache-control', 'no-store')
  revocationList(): RevocationList {
    return this.authority.revocationList();
  }

  /** Convenience for development; production pins the root out of band, never from here. */
  @Get('root')
  root(): PinnedRootFile {
    return pinnedRootToFile(this.authority.root.pinned);
  }

  /** The certificate answers are signed with now (it also travels with every answer). */
  @Get('answer-certificate')
  answerCertificate(): GatewayCertificate {
    return this.authority.answerKey.certificate;
  }

  @Get('health')
  health(): { status: 'ok' } {
    return { status: 'ok' };
  }
}
