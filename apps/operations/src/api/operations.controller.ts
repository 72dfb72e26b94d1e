import { Controller, Get, Header, Inject, NotFoundException, Param, Res } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { OperationsOverview, type Overview } from '../overview/operations-overview';
import { PAGE_ASSETS } from './page-assets.provider';
import type { PageAsset } from './page-assets';

// The page loads nothing from elsewhere and runs only its own script.
const CONTENT_SECURITY_POLICY =
  "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; base-uri 'none'; frame-ancestors 'none'";

/** The operations page and the JSON it polls. */
@Controller()
export class OperationsController {
  constructor(
    private readonly overview: OperationsOverview,
    @Inject(PAGE_ASSETS) private readonly assets: ReadonlyMap<string, PageAsset>,
  ) {}

  @Get('api/operations/overview')
  @Header('Cache-Control', 'no-store')
  current(): Promise<Overview> {
    return this.overview.overview();
  }

  @Get()
  page(@Res({ passthrough: true }) reply: FastifyReply): string {
    return this.send(reply, 'index.html');
  }

  @Get(':file')
  asset(@Param('file') file: string, @Res({ passthrough: true }) reply: FastifyReply): string {
    return this.send(reply, file);
  }

  private send(reply: FastifyReply, file: string): string {
    const asset = this.assets.get(file);
    if (asset === undefined) throw new NotFoundException('No such page');
    void reply
      .header('Content-Type', asset.contentType)
      .header('Content-Security-Policy', CONTENT_SECURITY_POLICY)
      .header('X-Content-Type-Options', 'nosniff')
      .header('Cache-Control', 'no-cache');
    return asset.body;
  }
}
