/** For `promise.then(unexpected, (e) => e)`: a promise that should reject but resolved fails the test. */
export function unexpected(): never {
  throw new Error("expected the call to fail, but it succeeded");
}
