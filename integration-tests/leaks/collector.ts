import { inspect } from "node:util";
import { errorText, secretForms } from "@hf-secrets/testing";

// Collects everything a leak could show up in, per channel, and counts the canary in it. The texts stay in
// memory; only counts ever leave the process (a leak must not be copied to disk by the test looking for it).

/** One scenario a suite ran: which provider, success or failure path, what it did, whether it behaved. */
export interface FlowRecord {
  readonly provider: string;
  readonly path: "success" | "failure";
  readonly what: string;
  /** The flow did what it should (the value came back, or the expected error was thrown). */
  readonly ok: boolean;
  readonly note?: string | undefined;
}

/**
 * The canary's forms searched for: plain, URL-encoded, base64 and base64url — the latter two also at byte offsets
 * 1 and 2 (inside a longer encoded string such as Basic auth `user:token` the canary rarely starts a 3-byte group).
 * A superset of `secretForms()` from `@hf-secrets/testing`.
 */
export function canaryForms(canary: string): Array<{ form: string; text: string }> {
  const forms: Array<{ form: string; text: string }> = [
    { form: "plain", text: canary },
    { form: "url-encoded", text: encodeURIComponent(canary) },
  ];
  const bytes = Buffer.from(canary, "utf8");
  for (const encoding of ["base64", "base64url"] as const) {
    // The last group depends on the bytes after the canary: only the part the canary alone decides is searched.
    forms.push({ form: encoding, text: bytes.toString(encoding).slice(0, -4) });
    for (const offset of [1, 2]) {
      const encoded = Buffer.concat([Buffer.alloc(offset), bytes])
        .toString(encoding)
        .replace(/=+$/, "");
      // Drop the characters the filler bytes influence, and the last group (it depends on what follows).
      forms.push({
        form: `${encoding} (offset ${offset})`,
        text: encoded.slice(Math.ceil((offset * 4) / 3), -4),
      });
    }
  }
  const unique = new Map(forms.filter((f) => f.text.length > 0).map((f) => [f.text, f]));
  for (const text of secretForms(canary)) {
    if (![...unique.keys()].some((known) => text.includes(known))) {
      throw new Error("canaryForms must cover every form of secretForms()");
    }
  }
  return [...unique.values()];
}

function countIn(text: string, needle: string): number {
  if (needle.length === 0) return 0;
  let count = 0;
  for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length)) count++;
  return count;
}

function json(value: unknown): string {
  try {
    return (
      JSON.stringify(value, (_key, field: unknown) => (typeof field === "bigint" ? String(field) : field)) ??
      ""
    );
  } catch (error) {
    return `<JSON.stringify threw ${(error as Error).name}>`;
  }
}

/** Everything captured, by channel. */
export class Collector {
  readonly #texts = new Map<string, Array<{ label: string; text: string }>>();
  readonly flows: FlowRecord[] = [];

  /** Adds raw text to a channel. */
  text(channel: string, label: string, text: string): void {
    let list = this.#texts.get(channel);
    if (!list) {
      list = [];
      this.#texts.set(channel, list);
    }
    list.push({ label, text });
  }

  /** An error: message, stack, cause chain, aggregated errors, util.inspect (showHidden) and JSON. */
  error(label: string, error: unknown): void {
    this.text("errors", label, errorText(error));
  }

  /** A public object: util.inspect (showHidden, depth Infinity, getters), JSON.stringify, and a spread copy. */
  object(label: string, value: unknown): void {
    this.text(
      "util.inspect",
      label,
      inspect(value, { showHidden: true, depth: Number.POSITIVE_INFINITY, getters: true }),
    );
    this.text("JSON.stringify", label, json(value));
    if (typeof value === "object" && value !== null) {
      this.text("JSON.stringify", `${label} (spread)`, json({ ...value }));
      this.text("String()", label, safeString(value));
    }
  }

  /** An emitted event (its error included). */
  event(label: string, event: unknown): void {
    const text = [
      json(event),
      inspect(event, { showHidden: true, depth: Number.POSITIVE_INFINITY }),
      errorText((event as { error?: unknown }).error),
    ].join("\n");
    this.text("events", label, text);
  }

  flow(record: FlowRecord): void {
    this.flows.push(record);
  }

  /** Per channel: how many items were checked and how many times each canary form occurs, with where. */
  count(
    canary: string,
  ): Record<string, { items: number; occurrences: number; byForm: Record<string, number>; where: string[] }> {
    const forms = canaryForms(canary);
    const out: Record<
      string,
      { items: number; occurrences: number; byForm: Record<string, number>; where: string[] }
    > = {};
    for (const [channel, list] of this.#texts) {
      const byForm: Record<string, number> = {};
      const where = new Set<string>();
      let occurrences = 0;
      for (const { label, text } of list) {
        for (const { form, text: needle } of forms) {
          const n = countIn(text, needle);
          if (n > 0) {
            byForm[form] = (byForm[form] ?? 0) + n;
            occurrences += n;
            where.add(label);
          }
        }
      }
      out[channel] = { items: list.length, occurrences, byForm, where: [...where] };
    }
    return out;
  }
}

function safeString(value: object): string {
  try {
    return String(value);
  } catch {
    return "";
  }
}
