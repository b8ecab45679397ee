import type { AddressInfo } from "node:net";
import { connect, createServer, type Server, type Socket } from "node:net";

/**
 * A fault the proxy injects into new connections:
 * - `none`: forward bytes both ways;
 * - `refuse`: stop listening, so connecting fails with ECONNREFUSED;
 * - `reset`: forward the request, then reset the connection (RST) after `afterBytes` bytes of the response;
 * - `stall`: accept and read, never answer (the client's timeout must fire); closed after `maxStallMs`;
 * - `slow`: forward the response `bytesPerTick` bytes every `tickMs`;
 * - `truncate`: forward `afterBytes` bytes of the response, then close cleanly (FIN);
 * - `http`: answer a plain-HTTP request itself with `status` (e.g. 429, 503) and `headers` (e.g. Retry-After),
 *   without contacting the backend (plain HTTP only; TLS connections cannot be answered this way).
 */
export type Fault =
  | { readonly kind: "none" }
  | { readonly kind: "refuse" }
  | { readonly kind: "reset"; readonly afterBytes?: number }
  | { readonly kind: "stall"; readonly maxStallMs?: number }
  | { readonly kind: "slow"; readonly bytesPerTick?: number; readonly tickMs?: number }
  | { readonly kind: "truncate"; readonly afterBytes?: number }
  | {
      readonly kind: "http";
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    };

/** Options of {@link startFaultProxy}. */
export interface FaultProxyOptions {
  /** The real server, e.g. `{ host: "127.0.0.1", port: 4566 }`. */
  readonly target: { readonly host: string; readonly port: number };
  /** Port to listen on (127.0.0.1); default a free one. */
  readonly port?: number;
  /** Connections accepted in total before the proxy refuses more (a bound on any test). Default 100 000. */
  readonly maxConnections?: number;
  /** The proxy closes itself after this long. Default 15 minutes. */
  readonly lifetimeMs?: number;
}

/** A TCP proxy on 127.0.0.1 between a client and a real server, injecting faults on demand. */
export interface FaultProxy {
  /** `127.0.0.1:<port>`. */
  readonly host: string;
  readonly port: number;
  /** Applies to connections made from now on (and stalls/slows those already open). */
  setFault(fault: Fault): Promise<void>;
  /** Back to forwarding. */
  clear(): Promise<void>;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Requests answered by an `http` fault. */
  readonly injectedResponses: number;
  /** Stops listening and destroys every open connection. */
  close(): Promise<void>;
}

const DEFAULT_STALL_MS = 120_000;

/**
 * Starts a fault-injecting TCP proxy on 127.0.0.1 (loopback only). Bounded: at most `maxConnections`
 * connections, a `lifetimeMs` after which it closes itself, and stalls that end by themselves.
 *
 * @example
 * const proxy = await startFaultProxy({ target: { host: "127.0.0.1", port: 4566 } });
 * await proxy.setFault({ kind: "http", status: 503, headers: { "retry-after": "2" } });
 */
export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const maxConnections = options.maxConnections ?? 100_000;
  const sockets = new Set<Socket>();
  let fault: Fault = { kind: "none" };
  let connections = 0;
  let injectedResponses = 0;
  let listening = false;
  let closed = false;

  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => socket.destroy());
  };

  const server: Server = createServer((client) => {
    connections++;
    track(client);
    if (connections > maxConnections) {
      client.destroy();
      return;
    }
    const current = fault;
    switch (current.kind) {
      case "stall": {
        client.on("data", () => undefined);
        const timer = setTimeout(() => client.destroy(), current.maxStallMs ?? DEFAULT_STALL_MS);
        timer.unref();
        client.on("close", () => clearTimeout(timer));
        return;
      }
      case "http": {
        client.once("data", () => {
          injectedResponses++;
          const body = current.body ?? JSON.stringify({ message: `injected ${current.status}` });
          const headers = {
            "content-type": "application/json",
            "content-length": String(Buffer.byteLength(body)),
            connection: "close",
            ...current.headers,
          };
          const head = Object.entries(headers)
            .map(([k, v]) => `${k}: ${v}`)
            .join("\r\n");
          client.end(`HTTP/1.1 ${current.status} Injected\r\n${head}\r\n\r\n${body}`);
        });
        return;
      }
      default:
        forward(client, current);
    }
  });

  const forward = (client: Socket, current: Fault) => {
    const upstream = connect(options.target.port, options.target.host);
    track(upstream);
    client.pipe(upstream);
    upstream.on("error", () => client.destroy());
    client.on("close", () => upstream.destroy());
    let sent = 0;
    const queue: Buffer[] = [];
    let ticking: NodeJS.Timeout | undefined;
    let upstreamDone = false;
    upstream.on("close", () => {
      upstreamDone = true;
      // A slow body is still being dribbled out: finish it before closing.
      if (current.kind !== "slow" || queue.length === 0) client.destroy();
    });
    if (current.kind === "none") {
      upstream.pipe(client);
      return;
    }
    upstream.on("data", (chunk: Buffer) => {
      if (current.kind === "reset" || current.kind === "truncate") {
        const limit = current.afterBytes ?? 64;
        const room = Math.max(0, limit - sent);
        if (room > 0) client.write(chunk.subarray(0, room));
        sent += chunk.length;
        if (sent >= limit) {
          upstream.destroy();
          if (current.kind === "reset") client.resetAndDestroy();
          else client.end();
        }
        return;
      }
      if (current.kind === "slow") {
        queue.push(chunk);
        if (ticking) return;
        const size = current.bytesPerTick ?? 16;
        ticking = setInterval(() => {
          const head = queue[0];
          if (!head) {
            clearInterval(ticking);
            ticking = undefined;
            if (upstreamDone) client.end();
            return;
          }
          client.write(head.subarray(0, size));
          if (head.length <= size) queue.shift();
          else queue[0] = head.subarray(size);
        }, current.tickMs ?? 50);
        ticking.unref();
        client.on("close", () => clearInterval(ticking));
      }
    });
  };

  const listen = () =>
    new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(listeningPort, "127.0.0.1", () => {
        server.off("error", reject);
        listening = true;
        resolve();
      });
    });
  const stopListening = () =>
    new Promise<void>((resolve) => {
      if (!listening) return resolve();
      listening = false;
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  let listeningPort = options.port ?? 0;
  await listen();
  listeningPort = (server.address() as AddressInfo).port;
  const lifetime = setTimeout(() => void proxy.close(), options.lifetimeMs ?? 15 * 60_000);
  lifetime.unref();

  const proxy: FaultProxy = {
    host: "127.0.0.1",
    port: listeningPort,
    get connections() {
      return connections;
    },
    get injectedResponses() {
      return injectedResponses;
    },
    async setFault(next) {
      if (closed) return;
      fault = next;
      // Kept-alive connections would dodge the new fault: drop them so clients reconnect into it.
      for (const socket of sockets) socket.destroy();
      if (next.kind === "refuse") await stopListening();
      else if (!listening) await listen();
    },
    async clear() {
      await proxy.setFault({ kind: "none" });
    },
    async close() {
      if (closed) return;
      closed = true;
      clearTimeout(lifetime);
      await stopListening();
    },
  };
  return proxy;
}
