/** The subject-rights settings the use cases need, from the privacy config. */
export class SubjectRightsSettings {
  constructor(
    /** Where customers' links point: `<publicUrl>/privacy/links/<token>`. */
    readonly publicUrl: string,
    readonly answerWindowMs: number,
    readonly linkTtlMs: number,
    /** The HMAC secret of verification codes (derived from the master key). */
    readonly codeSecret: Buffer,
    /**
     * The least time a new request takes to answer, matched or not, so its timing does not tell
     * whether a customer exists (StartSubjectRequest). Above the slowest usual matched path.
     */
    readonly startMinResponseMs = 400,
  ) {}
}
