/** The time as the subject-rights code sees it; tests pass a clock they control. */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
