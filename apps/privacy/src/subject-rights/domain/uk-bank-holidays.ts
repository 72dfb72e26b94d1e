/**
 * Bank holidays in England and Wales, 2025-2028, as published on gov.uk/bank-holidays (2025-2026)
 * and by the Banking and Financial Dealings Act 1971 rules for the later years (substitute days
 * when a holiday falls on a weekend). Scotland and Northern Ireland differ; Lumen's controller is
 * in England. Dates outside this table are an error, not a silent "no holiday": extend the table
 * before 2029.
 */
export const ENGLAND_AND_WALES_BANK_HOLIDAYS: ReadonlySet<string> = new Set([
  // 2025
  '2025-01-01',
  '2025-04-18',
  '2025-04-21',
  '2025-05-05',
  '2025-05-26',
  '2025-08-25',
  '2025-12-25',
  '2025-12-26',
  // 2026
  '2026-01-01',
  '2026-04-03',
  '2026-04-06',
  '2026-05-04',
  '2026-05-25',
  '2026-08-31',
  '2026-12-25',
  '2026-12-28', // Boxing Day falls on a Saturday
  // 2027
  '2027-01-01',
  '2027-03-26',
  '2027-03-29',
  '2027-05-03',
  '2027-05-31',
  '2027-08-30',
  '2027-12-27', // Christmas Day falls on a Saturday
  '2027-12-28', // Boxing Day falls on a Sunday
  // 2028
  '2028-01-03', // New Year's Day falls on a Saturday
  '2028-04-14',
  '2028-04-17',
  '2028-05-01',
  '2028-05-29',
  '2028-08-28',
  '2028-12-25',
  '2028-12-26',
]);

export const BANK_HOLIDAY_TABLE_YEARS = { first: 2025, last: 2028 } as const;
