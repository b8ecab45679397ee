import type { CoreV1ApiLike, SecretObject, WatchLike } from "../src/index.js";

interface StoredSecret {
  data: Record<string, string>;
  resourceVersion: string;
}

interface LoggedEvent {
  readonly type: "ADDED" | "MODIFIED" | "DELETED";
  readonly key: string;
  readonly rv: number;
  readonly object: SecretObject & { metadata: { name: string; namespace: string; resourceVersion: string } };
}

/** One watch request the fake API server holds open. */
export interface OpenWatch {
  readonly path: string;
  readonly query: Record<string, string | number | boolean | undefined>;
  readonly callback: (phase: string, apiObj: unknown) => void;
  readonly done: (err: unknown) => void;
  closed: boolean;
  /** Ends the request as the server would (no error: a timeout; an error: a broken connection). */
  end(err?: unknown): void;
}

/**
 * An in-memory stand-in for the parts of the API server the provider uses: GET of one Secret (`CoreV1Api`)
 * and watches of the Secrets of a namespace (`Watch`), with resourceVersions, replay from a resourceVersion,
 * 410 Gone below the compaction point, and programmable failures.
 */
export class FakeCluster {
  readonly #secrets = new Map<string, StoredSecret>();
  readonly #log: LoggedEvent[] = [];
  #rv = 100;
  #compactedRv = 0;
  /** Errors the next GETs throw, in order. */
  readonly getFailures: unknown[] = [];
  /** Errors the next watch requests fail with (thrown before any event). */
  readonly watchFailures: unknown[] = [];
  /** Every GET, as `namespace/name`. */
  readonly gets: string[] = [];
  /** Every watch request, open or closed. */
  readonly watches: OpenWatch[] = [];
  /** When set, GETs wait for it (to test aborts). */
  hang: Promise<void> | undefined;

  /** Creates or replaces a Secret from plain string values (stored base64 like the API server does). */
  put(namespace: string, name: string, values: Readonly<Record<string, string>>): string {
    const data: Record<string, string> = {};
    for (const [key, value] of Object.entries(values))
      data[key] = Buffer.from(value, "utf8").toString("base64");
    return this.putRaw(namespace, name, data);
  }

  /** Creates or replaces a Secret with `data` exactly as given (to store invalid base64). */
  putRaw(namespace: string, name: string, data: Record<string, string>): string {
    const key = `${namespace}/${name}`;
    const existed = this.#secrets.has(key);
    const rv = ++this.#rv;
    this.#secrets.set(key, { data: { ...data }, resourceVersion: String(rv) });
    this.#emit(existed ? "MODIFIED" : "ADDED", key, rv);
    return String(rv);
  }

  /** The plain values of a Secret (decoded). */
  values(namespace: string, name: string): Record<string, string> {
    const stored = this.#secrets.get(`${namespace}/${name}`);
    const out: Record<string, string> = {};
    for (const [key, value] of Object.entries(stored?.data ?? {}))
      out[key] = Buffer.from(value, "base64").toString("utf8");
    return out;
  }

  delete(namespace: string, name: string): void {
    const key = `${namespace}/${name}`;
    if (!this.#secrets.has(key)) return;
    const rv = ++this.#rv;
    this.#emit("DELETED", key, rv, this.#secrets.get(key));
    this.#secrets.delete(key);
  }

  /** Forgets history up to now: a watch from an older resourceVersion gets 410 Gone. */
  compact(): void {
    this.#compactedRv = this.#rv;
  }

  /** The watches still open. */
  get openWatches(): OpenWatch[] {
    return this.watches.filter((w) => !w.closed);
  }

  readonly coreV1Api: CoreV1ApiLike = {
    readNamespacedSecret: async ({ name, namespace }) => {
      this.gets.push(`${namespace}/${name}`);
      if (this.hang) await this.hang;
      if (this.getFailures.length > 0) throw this.getFailures.shift();
      const stored = this.#secrets.get(`${namespace}/${name}`);
      if (!stored) throw apiException(404, `secrets "${name}" not found`);
      return {
        metadata: { resourceVersion: stored.resourceVersion },
        data: { ...stored.data },
      };
    },
  };

  readonly watchApi: WatchLike = {
    watch: async (path, query, callback, done) => {
      const watch: OpenWatch = {
        path,
        query,
        callback,
        done,
        closed: false,
        end: (err?: unknown) => {
          if (watch.closed) return;
          watch.closed = true;
          done(err ?? null);
        },
      };
      this.watches.push(watch);
      if (this.watchFailures.length > 0) {
        watch.end(this.watchFailures.shift());
        return { abort: () => {} };
      }
      const namespace = /^\/api\/v1\/namespaces\/([^/]+)\/secrets$/.exec(path)?.[1];
      const name = String(query.fieldSelector ?? "").replace(/^metadata\.name=/, "");
      const key = `${namespace}/${name}`;
      const from = query.resourceVersion === undefined ? undefined : Number(query.resourceVersion);
      if (from !== undefined && from < this.#compactedRv) {
        callback("ERROR", {
          kind: "Status",
          code: 410,
          reason: "Expired",
          message: "too old resource version",
        });
      } else if (from === undefined) {
        const stored = this.#secrets.get(key);
        if (stored) callback("ADDED", this.#object(key, stored.resourceVersion, stored.data));
      } else {
        for (const event of this.#log)
          if (event.key === key && event.rv > from) callback(event.type, event.object);
      }
      return {
        abort: () => {
          if (watch.closed) return;
          watch.closed = true;
          done(Object.assign(new Error("The user aborted a request."), { name: "AbortError" }));
        },
      };
    },
  };

  /** Sends a BOOKMARK with the current resourceVersion to every open watch. */
  bookmark(): string {
    const rv = String(this.#rv);
    for (const watch of this.openWatches) watch.callback("BOOKMARK", { metadata: { resourceVersion: rv } });
    return rv;
  }

  #emit(type: LoggedEvent["type"], key: string, rv: number, previous?: StoredSecret): void {
    const stored = this.#secrets.get(key) ?? previous;
    const event: LoggedEvent = { type, key, rv, object: this.#object(key, String(rv), stored?.data ?? {}) };
    this.#log.push(event);
    const [namespace, name] = key.split("/");
    for (const watch of this.openWatches) {
      if (
        watch.path === `/api/v1/namespaces/${namespace}/secrets` &&
        watch.query.fieldSelector === `metadata.name=${name}`
      ) {
        watch.callback(type, event.object);
      }
    }
  }

  #object(key: string, resourceVersion: string, data: Record<string, string>) {
    const [namespace = "", name = ""] = key.split("/");
    return { metadata: { name, namespace, resourceVersion }, data: { ...data } };
  }
}

/** An error shaped like client-node's `ApiException` (status in `code`, body and headers attached). */
export function apiException(
  code: number,
  message: string,
  headers: Record<string, string> = {},
  extraBody: object = {},
) {
  const body = { kind: "Status", apiVersion: "v1", status: "Failure", message, code, ...extraBody };
  return Object.assign(
    new Error(
      `HTTP-Code: ${code}\nMessage: Unknown API Status Code!\nBody: ${JSON.stringify(body)}\nHeaders: ${JSON.stringify(headers)}`,
    ),
    { code, body, headers },
  );
}
