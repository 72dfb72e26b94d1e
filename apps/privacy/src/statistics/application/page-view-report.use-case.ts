import { Inject, Injectable } from '@nestjs/common';
import {
  PageViewStatistics,
  type PageViewAggregate,
  type PageViewDimension,
} from './page-view.statistics';

export const MIN_REPORTED_COUNT = Symbol('MIN_REPORTED_COUNT');

/**
 * Aggregates only, and no group smaller than the threshold (k-anonymity on the counts): a
 * group of three views from one network on one day is close to naming a person. Suppressed
 * groups are reported as a total, so sums stay honest without showing who.
 */
@Injectable()
export class PageViewReport {
  constructor(
    private readonly statistics: PageViewStatistics,
    @Inject(MIN_REPORTED_COUNT) private readonly minCount: number,
  ) {}

  async execute(
    groupBy: readonly PageViewDimension[],
    from: string,
    to: string,
  ): Promise<{
    groups: PageViewAggregate[];
    suppressedGroups: number;
    suppressedViews: number;
    minCount: number;
  }> {
    const all = await this.statistics.aggregate(groupBy, from, to);
    const shown = all.filter((row) => row.views >= this.minCount);
    const hidden = all.filter((row) => row.views < this.minCount);
    const hiddenViews = hidden.reduce((sum, row) => sum + row.views, 0);
    return {
      groups: shown,
      suppressedGroups: hidden.length,
      // The total of the hidden groups is itself a small count when only one group is hidden.
      suppressedViews: hiddenViews >= this.minCount ? hiddenViews : 0,
      minCount: this.minCount,
    };
  }
}
