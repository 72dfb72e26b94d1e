import type { BrowserFamily, OsFamily } from '../domain/user-agent-family';

export interface PageViewKey {
  readonly day: string;
  readonly path: string;
  readonly browser: BrowserFamily;
  readonly os: OsFamily;
  readonly network: string;
}

export const PAGE_VIEW_DIMENSIONS = ['day', 'path', 'browser', 'os', 'network'] as const;
export type PageViewDimension = (typeof PAGE_VIEW_DIMENSIONS)[number];

export interface PageViewAggregate {
  readonly group: Partial<Record<PageViewDimension, string>>;
  readonly views: number;
}

/** Page-view counters: one count per day and combination, never a row per visit. */
export abstract class PageViewStatistics {
  abstract increment(key: PageViewKey): Promise<void>;
  abstract aggregate(
    groupBy: readonly PageViewDimension[],
    from: string,
    to: string,
  ): Promise<PageViewAggregate[]>;
}
