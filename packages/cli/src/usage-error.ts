/** A mistake in how the command was called (a missing path, an unknown format): exit code 2. */
export class UsageError extends Error {
  /** @param message - what is wrong and how to call the command instead. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}
