import { maskSecret } from "./mask.js";

const SECRET_MARKER = Symbol.for("@hf-secrets/core/Secret");
const INSPECT = Symbol.for("nodejs.util.inspect.custom");

/**
 * A secret value that cannot be printed by accident.
 *
 * The value lives in a `#private` field: `toString()`, `toJSON()`, template literals, `util.inspect`
 * (even with `showHidden`), spreading and `structuredClone` show a mask or nothing. Call
 * {@link Secret.reveal} at the one place that needs the real value.
 *
 * @example
 * const token = new Secret("hf_" + "A".repeat(34));
 * `${token}`;        // "hf_****AAAA"
 * token.reveal();    // the value
 */
export class Secret {
  readonly #value: string;

  /** @param value - the secret text; kept in a private field. */
  constructor(value: string) {
    if (typeof value !== "string") throw new TypeError("[hf-secrets] A Secret holds a string.");
    this.#value = value;
    Object.defineProperty(this, SECRET_MARKER, { value: true });
    Object.freeze(this);
  }

  /** Returns the secret text. Call it only where the value must leave the SDK (an HTTP header, a child env). */
  reveal(): string {
    return this.#value;
  }

  /** The masked form, e.g. `hf_****abcd`. */
  get masked(): string {
    return maskSecret(this.#value);
  }

  /** Number of characters, useful in diagnostics without showing the value. */
  get length(): number {
    return this.#value.length;
  }

  /** Compares two secrets in constant time for equal lengths, without revealing either. */
  equals(other: Secret | undefined): boolean {
    if (other === undefined || !Secret.isSecret(other)) return false;
    const a = this.#value;
    const b = other.reveal();
    if (a.length !== b.length) return false;
    let diff = 0;
    for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
    return diff === 0;
  }

  /** Masked: `hf_****abcd`. */
  toString(): string {
    return this.masked;
  }

  /** Masked: serialising a Secret never writes the value. */
  toJSON(): string {
    return this.masked;
  }

  /** Masked in `console.log` and `util.inspect`. */
  [INSPECT](): string {
    return `Secret(${this.masked})`;
  }

  /** Masked when coerced to a primitive. */
  [Symbol.toPrimitive](): string {
    return this.masked;
  }

  /** True for a Secret from any installed copy of `@hf-secrets/core` (ESM, CJS or a duplicate). */
  static isSecret(value: unknown): value is Secret {
    return (
      typeof value === "object" &&
      value !== null &&
      (value as Record<symbol, unknown>)[SECRET_MARKER] === true
    );
  }
}
