import { isWorkingDay, londonCalendarDate, responseDueDate } from './response-due-date';

describe('responseDueDate (UK calendar-month rule)', () => {
  it('is the same date next month when that is a working day', () => {
    expect(responseDueDate('2026-09-03')).toBe('2026-10-05'); // 3 Oct 2026 is a Saturday
    expect(responseDueDate('2026-11-25')).toBe('2026-12-29'); // 25-28 Dec: holidays, weekend
    expect(responseDueDate('2026-03-10')).toBe('2026-04-10');
  });

  it('is the last day of a shorter month (31 January)', () => {
    expect(responseDueDate('2025-01-31')).toBe('2025-02-28'); // a Friday
    expect(responseDueDate('2028-01-31')).toBe('2028-02-29'); // leap year, a Tuesday
    // 28 February 2027 is a Sunday: the last day of the month, then the next working day.
    expect(responseDueDate('2027-01-31')).toBe('2027-03-01');
    expect(responseDueDate('2026-10-31')).toBe('2026-11-30');
  });

  it('moves a Saturday or a Sunday to the Monday', () => {
    expect(responseDueDate('2026-06-13')).toBe('2026-07-13'); // 13 Jul 2026 is a Monday
    expect(responseDueDate('2026-07-11')).toBe('2026-08-11');
    expect(responseDueDate('2026-12-12')).toBe('2027-01-12');
    expect(responseDueDate('2026-09-05')).toBe('2026-10-05'); // 5 Oct is a Monday anyway
    expect(responseDueDate('2026-06-04')).toBe('2026-07-06'); // 4 Jul 2026: a Saturday
    expect(responseDueDate('2026-06-05')).toBe('2026-07-06'); // 5 Jul 2026: a Sunday
  });

  it('moves a bank holiday to the next working day', () => {
    expect(responseDueDate('2026-07-31')).toBe('2026-09-01'); // 31 Aug 2026: summer holiday
    expect(responseDueDate('2027-04-29')).toBe('2027-06-01'); // 29 May Sat, 31 May holiday
    expect(responseDueDate('2028-03-14')).toBe('2028-04-18'); // Good Friday and Easter Monday
    expect(responseDueDate('2027-11-25')).toBe('2027-12-29'); // 25-28 Dec: weekend, substitutes
    expect(responseDueDate('2027-12-01')).toBe('2028-01-04'); // 1 Jan 2028: Saturday, 3 Jan holiday
  });

  it('uses the London calendar date of the instant identity was proven', () => {
    // 23:30 UTC on 30 June is 00:30 BST on 1 July.
    expect(londonCalendarDate(new Date('2026-06-30T23:30:00Z'))).toBe('2026-07-01');
    expect(londonCalendarDate(new Date('2026-01-31T23:30:00Z'))).toBe('2026-01-31');
  });

  it('keeps working past the bank-holiday table, on the standing rules', () => {
    // 1 January 2029 is a Monday and a bank holiday; the 2nd is an ordinary Tuesday.
    expect(isWorkingDay('2029-01-01')).toBe(false);
    expect(isWorkingDay('2029-01-02')).toBe(true);
    expect(responseDueDate('2028-12-01')).toBe('2029-01-02');
    expect(responseDueDate('2028-12-15')).toBe('2029-01-15');
    // Good Friday 2029 is 30 March, Easter Monday 2 April.
    expect(responseDueDate('2029-02-28')).toBe('2029-03-28');
    expect(responseDueDate('2029-03-02')).toBe('2029-04-03');
  });
});
