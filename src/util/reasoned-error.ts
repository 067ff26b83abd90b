/**
 * An error with a typed failure reason (a string union each adapter defines once): callers branch on `reason`,
 * never on message text. Subclasses set `name` and add what their failure carries (an HTTP status, a cause).
 */
export abstract class ReasonedError<R extends string> extends Error {
  constructor(
    readonly reason: R,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}
