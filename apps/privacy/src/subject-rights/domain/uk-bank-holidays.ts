/**
 * Bank holidays in England and Wales, 2025-2028, as published on gov.uk/bank-holidays (2025-2026)
 * and by the Banking and Financial Dealings Act 1971 rules for the later years (substitute days
 * when a holiday falls on a weekend). Scotland and Northern Ireland differ; Lumen's controller is
 * in England. Years outside the table follow the same rules (`ruleBankHolidays`); the table stays
 * the word for its years so an announced one-off change (a coronation, a moved May holiday) is
 * written here, adding the year if need be.
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

/** The bank holidays of `year` in England and Wales: the table's for its years, else the rules'. */
export function englandAndWalesBankHolidays(year: number): ReadonlySet<string> {
  if (year >= BANK_HOLIDAY_TABLE_YEARS.first && year <= BANK_HOLIDAY_TABLE_YEARS.last) {
    return new Set([...ENGLAND_AND_WALES_BANK_HOLIDAYS].filter((d) => d.startsWith(`${year}-`)));
  }
  return ruleBankHolidays(year);
}

/**
 * The standing rules (Banking and Financial Dealings Act 1971 and the royal proclamations that
 * fix the May and August Mondays): New Year's Day, Good Friday, Easter Monday, the first and last
 * Mondays of May, the last Monday of August, Christmas Day and Boxing Day. A holiday on a
 * Saturday or Sunday is substituted by the next weekday that is not already a holiday.
 */
export function ruleBankHolidays(year: number): ReadonlySet<string> {
  const easter = easterSunday(year);
  const holidays = [
    ...substituted(year, [utc(year, 1, 1)]),
    addDays(easter, -2),
    addDays(easter, 1),
    nthMonday(year, 5, 'first'),
    nthMonday(year, 5, 'last'),
    nthMonday(year, 8, 'last'),
    ...substituted(year, [utc(year, 12, 25), utc(year, 12, 26)]),
  ];
  return new Set(holidays.map(isoDate));
}

/** Days in order; each one on a weekend moves to the next weekday none of them took. */
function substituted(year: number, days: Date[]): Date[] {
  const taken = new Set(days.filter((d) => !isWeekend(d)).map(isoDate));
  return days.map((day) => {
    if (!isWeekend(day)) return day;
    let next = day;
    while (isWeekend(next) || taken.has(isoDate(next))) next = addDays(next, 1);
    taken.add(isoDate(next));
    return next;
  });
}

/** Easter Sunday in the Gregorian calendar (the anonymous Gregorian algorithm, "Computus"). */
export function easterSunday(year: number): Date {
  const a = year % 19;
  const b = Math.floor(year / 100);
  const c = year % 100;
  const d = Math.floor(b / 4);
  const e = b % 4;
  const f = Math.floor((b + 8) / 25);
  const g = Math.floor((b - f + 1) / 3);
  const h = (19 * a + b - d - g + 15) % 30;
  const i = Math.floor(c / 4);
  const k = c % 4;
  const l = (32 + 2 * e + 2 * i - h - k) % 7;
  const m = Math.floor((a + 11 * h + 22 * l) / 451);
  const month = Math.floor((h + l - 7 * m + 114) / 31);
  const day = ((h + l - 7 * m + 114) % 31) + 1;
  return utc(year, month, day);
}

function nthMonday(year: number, month: number, which: 'first' | 'last'): Date {
  if (which === 'first') {
    const first = utc(year, month, 1);
    return addDays(first, (8 - first.getUTCDay()) % 7);
  }
  const last = utc(year, month + 1, 0);
  return addDays(last, -((last.getUTCDay() + 6) % 7));
}

function utc(year: number, month: number, day: number): Date {
  return new Date(Date.UTC(year, month - 1, day));
}

function addDays(date: Date, days: number): Date {
  return new Date(date.getTime() + days * 86_400_000);
}

function isWeekend(date: Date): boolean {
  return date.getUTCDay() === 0 || date.getUTCDay() === 6;
}

function isoDate(date: Date): string {
  return date.toISOString().slice(0, 10);
}
