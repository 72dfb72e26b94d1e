/** The subject-rights settings the use cases need, from the privacy config. */
export class SubjectRightsSettings {
  constructor(
    /** Where customers' links point: `<publicUrl>/privacy/links/<token>`. */
    readonly publicUrl: string,
    readonly answerWindowMs: number,
    readonly linkTtlMs: number,
    /** The HMAC secret of verification codes (derived from the master key). */
    readonly codeSecret: Buffer,
  ) {}
}
