import { Injectable } from '@nestjs/common';
import { networkPrefixOf } from '../domain/network-prefix';
import { countablePath } from '../domain/page-path';
import { userAgentFamily } from '../domain/user-agent-family';
import { PageViewStatistics } from './page-view.statistics';

export type PageViewOutcome = 'counted' | 'invalid-path';

/**
 * Counts one storefront page view. The address and user agent are reduced here, first, and
 * only their reductions go anywhere: this is the one place the raw values are seen.
 */
@Injectable()
export class RecordPageView {
  constructor(private readonly statistics: PageViewStatistics) {}

  async execute(
    view: { path: string; clientAddress: string | undefined; userAgent: string | undefined },
    now: Date = new Date(),
  ): Promise<PageViewOutcome> {
    const network = networkPrefixOf(view.clientAddress);
    const { browser, os } = userAgentFamily(view.userAgent);
    const path = countablePath(view.path);
    if (path === undefined) return 'invalid-path';
    await this.statistics.increment({
      day: now.toISOString().slice(0, 10),
      path,
      browser,
      os,
      network,
    });
    return 'counted';
  }
}
