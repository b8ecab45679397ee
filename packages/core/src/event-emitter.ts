import type { SecretEvent, SecretEventListener, SecretEventSource, SecretEventType } from "./events.js";

/**
 * A small typed emitter. A throwing listener never breaks the cache: its error is swallowed (hf-secrets never
 * writes to the console). `wantsHit` lets the hot path skip building `hit` events nobody listens to.
 */
export class SecretEventEmitter implements SecretEventSource {
  readonly #byType = new Map<SecretEventType | "*", Set<SecretEventListener>>();
  /** True while at least one listener wants `hit` events (directly or through `"*"`). */
  wantsHit = false;

  /** @inheritDoc */
  on<K extends SecretEventType | "*">(
    type: K,
    listener: SecretEventListener<
      K extends SecretEventType ? Extract<SecretEvent, { type: K }> : SecretEvent
    >,
  ): () => void {
    let set = this.#byType.get(type);
    if (!set) {
      set = new Set();
      this.#byType.set(type, set);
    }
    const stored = listener as SecretEventListener;
    set.add(stored);
    this.#updateWantsHit();
    return () => {
      set.delete(stored);
      this.#updateWantsHit();
    };
  }

  /** True when someone listens to `type` (or to everything). */
  has(type: SecretEventType): boolean {
    return (this.#byType.get(type)?.size ?? 0) > 0 || (this.#byType.get("*")?.size ?? 0) > 0;
  }

  /** Delivers an event to its listeners and to `"*"` listeners. */
  emit(event: SecretEvent): void {
    this.#deliver(this.#byType.get(event.type), event);
    this.#deliver(this.#byType.get("*"), event);
  }

  #deliver(listeners: Set<SecretEventListener> | undefined, event: SecretEvent): void {
    if (!listeners) return;
    for (const listener of listeners) {
      try {
        listener(event);
      } catch {
        // A listener's bug must not break secret resolution, and the SDK stays silent.
      }
    }
  }

  #updateWantsHit(): void {
    this.wantsHit = this.has("hit");
  }
}
