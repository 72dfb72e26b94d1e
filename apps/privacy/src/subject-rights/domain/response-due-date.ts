import { englandAndWalesBankHolidays } from './uk-bank-holidays';

/** A calendar date, `YYYY-MM-DD`, in the UK's own calendar (Europe/London). */
export type CalendarDate = string;

const londonDate = new Intl.DateTimeFormat('en-CA', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
});

/** The date in London at `instant` (a request at 00:30 BST on 1 June arrived on 1 June). */
export function londonCalendarDate(instant: Date): CalendarDate {
  return londonDate.format(instant);
}

function parts(date: CalendarDate): { year: number; month: number; day: number } {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new Error(`Not a calendar date: ${date}`);
  return { year: Number(match[1]), month: Number(match[2]), day: Number(match[3]) };
}

function format(year: number, month: number, day: number): CalendarDate {
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function addDays(date: CalendarDate, days: number): CalendarDate {
  const { year, month, day } = parts(date);
  const next = new Date(Date.UTC(year, month - 1, day + days));
  return format(next.getUTCFullYear(), next.getUTCMonth() + 1, next.getUTCDate());
}

export function isWorkingDay(date: CalendarDate): boolean {
  const { year, month, day } = parts(date);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return weekday !== 0 && weekday !== 6 && !englandAndWalesBankHolidays(year).has(date);
}

/**
 * The ICO's calendar-month rule: the response is due on the same date of the following month;
 * when that month is shorter (31 January), on its last day; and when that day is a weekend or
 * a bank holiday, on the next working day.
 *
 * `startedOn` is the day the clock started. For Lumen that is the day identity was proven, not
 * the day the request arrived: the ICO lets the time limit start only once the controller has
 * what it reasonably asked for to confirm identity, so the clock "pauses" for exactly the time
 * identity is unproven (docs/adr/0006).
 */
export function responseDueDate(startedOn: CalendarDate): CalendarDate {
  const { year, month, day } = parts(startedOn);
  const dueYear = month === 12 ? year + 1 : year;
  const dueMonth = month === 12 ? 1 : month + 1;
  let due = format(dueYear, dueMonth, Math.min(day, daysInMonth(dueYear, dueMonth)));
  while (!isWorkingDay(due)) due = addDays(due, 1);
  return due;
}
