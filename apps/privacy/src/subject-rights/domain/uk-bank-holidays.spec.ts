import {
  BANK_HOLIDAY_TABLE_YEARS,
  easterSunday,
  englandAndWalesBankHolidays,
  ENGLAND_AND_WALES_BANK_HOLIDAYS,
  ruleBankHolidays,
} from './uk-bank-holidays';

const sorted = (days: Iterable<string>) => [...days].sort();

describe('England and Wales bank holidays', () => {
  it('the rules give exactly the table for every year the table covers', () => {
    const { first, last } = BANK_HOLIDAY_TABLE_YEARS;
    const years = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    expect(years).toHaveLength(4);
    for (const year of years) {
      const table = [...ENGLAND_AND_WALES_BANK_HOLIDAYS].filter((d) => d.startsWith(`${year}-`));
      expect(sorted(ruleBankHolidays(year))).toEqual(sorted(table));
    }
  });

  it('finds Easter Sunday as published for years with known dates', () => {
    const known: Record<number, string> = {
      2000: '2000-04-23',
      2008: '2008-03-23',
      2011: '2011-04-24',
      2019: '2019-04-21',
      2024: '2024-03-31',
      2029: '2029-04-01',
      2030: '2030-04-21',
      2038: '2038-04-25',
    };
    for (const [year, date] of Object.entries(known)) {
      expect(easterSunday(Number(year)).toISOString().slice(0, 10)).toBe(date);
    }
  });

  it('substitutes weekend holidays with the next free weekday', () => {
    // 2032: Christmas on a Saturday, Boxing Day on a Sunday; New Year's Day 2033 a Saturday.
    expect(sorted(ruleBankHolidays(2032))).toContain('2032-12-27');
    expect(sorted(ruleBankHolidays(2032))).toContain('2032-12-28');
    expect(sorted(ruleBankHolidays(2033))).toContain('2033-01-03');
    // 2033: Christmas on a Sunday: Boxing Day keeps the Monday, Christmas moves to the Tuesday.
    expect(sorted(ruleBankHolidays(2033))).toEqual([
      '2033-01-03',
      '2033-04-15',
      '2033-04-18',
      '2033-05-02',
      '2033-05-30',
      '2033-08-29',
      '2033-12-26',
      '2033-12-27',
    ]);
  });

  it('uses the table for its years and the rules beyond it', () => {
    expect(sorted(englandAndWalesBankHolidays(2026))).toContain('2026-12-28');
    expect(englandAndWalesBankHolidays(2040).size).toBe(8);
  });
});
