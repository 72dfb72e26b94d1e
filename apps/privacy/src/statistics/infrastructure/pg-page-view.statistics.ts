import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import {
  PAGE_VIEW_DIMENSIONS,
  PageViewStatistics,
  type PageViewAggregate,
  type PageViewDimension,
  type PageViewKey,
} from '../application/page-view.statistics';

@Injectable()
export class PgPageViewStatistics extends PageViewStatistics {
  constructor(private readonly dataSource: DataSource) {
    super();
  }

  override async increment(key: PageViewKey): Promise<void> {
    await this.dataSource.query(
      `INSERT INTO page_view_counts (day, path, browser, os, network, views)
       VALUES ($1, $2, $3, $4, $5, 1)
       ON CONFLICT (day, path, browser, os, network) DO UPDATE SET views = page_view_counts.views + 1`,
      [key.day, key.path, key.browser, key.os, key.network],
    );
  }

  override async aggregate(
    groupBy: readonly PageViewDimension[],
    from: string,
    to: string,
  ): Promise<PageViewAggregate[]> {
    // Column names come from the fixed list only, never from the request text.
    const columns = PAGE_VIEW_DIMENSIONS.filter((d) => groupBy.includes(d));
    const select = columns.map((c) => (c === 'day' ? `to_char(day, 'YYYY-MM-DD') AS day` : c));
    const rows: Record<string, string | undefined>[] = await this.dataSource.query(
      `SELECT ${[...select, 'sum(views)::text AS views'].join(', ')}
         FROM page_view_counts WHERE day BETWEEN $1 AND $2
        ${columns.length > 0 ? `GROUP BY ${columns.join(', ')} ORDER BY ${columns.join(', ')}` : ''}`,
      [from, to],
    );
    return rows.map((row) => ({
      group: Object.fromEntries(columns.map((c) => [c, row[c] ?? ''])),
      views: Number(row['views']),
    }));
  }
}
