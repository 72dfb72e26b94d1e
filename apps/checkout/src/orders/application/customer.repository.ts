/** Customers, known only by the blind index of their e-mail address. */
export abstract class CustomerRepository {
  /** The id of the customer with this e-mail index, created on first sight (race-safe). */
  abstract idForEmailIndex(emailIndex: Buffer): Promise<string>;
}
