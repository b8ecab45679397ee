import {
  DescribeSecretCommand,
  GetSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerServiceException,
} from "@aws-sdk/client-secrets-manager";
import type { SecretsManagerClientLike } from "../src/index.js";

interface FakeVersion {
  readonly id: string;
  readonly SecretString?: string;
  readonly SecretBinary?: Uint8Array;
  stages: Set<string>;
}

interface FakeSecret {
  readonly name: string;
  readonly arn: string;
  readonly versions: FakeVersion[];
  deletedDate?: Date;
}

/** One `send` the fake received. */
export interface FakeCall {
  readonly command: "GetSecretValue" | "DescribeSecret" | "Other";
  readonly input: Record<string, unknown>;
  readonly signal: AbortSignal | undefined;
}

/** An in-memory stand-in for a `SecretsManagerClient`, with the real SDK's command and exception classes. */
export interface FakeSecretsManager extends SecretsManagerClientLike {
  /** Creates a secret (or a new AWSCURRENT version of it); returns the version id. */
  put(name: string, value: string | Uint8Array, stages?: readonly string[]): string;
  /** Marks a secret as scheduled for deletion. */
  scheduleDeletion(name: string, deletedDate: Date): void;
  /** The next `send` calls throw these, in order (`describe` failures are matched to DescribeSecret calls). */
  failNext(...errors: unknown[]): void;
  failNextDescribe(...errors: unknown[]): void;
  /** Makes the next GetSecretValue wait until its abort signal fires. */
  hangNext(): void;
  readonly calls: FakeCall[];
  readonly destroyed: number;
}

/** Builds a service exception the way the SDK's deserializer does (name, `$fault`, `$metadata`, `$response`). */
export function serviceError(
  name: string,
  message: string,
  options: {
    status?: number;
    headers?: Record<string, string>;
    body?: string;
    fault?: "client" | "server";
  } = {},
): Error {
  const error = new SecretsManagerServiceException({
    name,
    $fault: options.fault ?? ((options.status ?? 400) >= 500 ? "server" : "client"),
    $metadata: { httpStatusCode: options.status ?? 400, requestId: "req-1", attempts: 1, totalRetryDelay: 0 },
    message,
  });
  // The SDK keeps the raw response on the error: headers and body must never reach an hf-secrets error.
  Object.assign(error, {
    $response: { statusCode: options.status ?? 400, headers: { ...options.headers }, body: options.body },
  });
  return error;
}

/** A Node network error (`ECONNRESET`, `ECONNREFUSED`, ...). */
export function networkError(code: string, message: string): Error {
  return Object.assign(new Error(message), { code, errno: -1, syscall: "connect" });
}

let versionCounter = 0;

/** Creates the fake. `region` is exposed like the SDK's resolved config (an async provider). */
export function createFakeSecretsManager(region = "us-east-1"): FakeSecretsManager {
  const secrets = new Map<string, FakeSecret>();
  const failures: unknown[] = [];
  const describeFailures: unknown[] = [];
  const calls: FakeCall[] = [];
  let hang = false;
  let destroyed = 0;

  const find = (id: string) => secrets.get(id) ?? [...secrets.values()].find((s) => s.arn === id);

  const getSecretValue = (input: { SecretId?: string; VersionId?: string; VersionStage?: string }) => {
    const secret = find(input.SecretId ?? "");
    if (!secret) {
      throw new ResourceNotFoundException({
        message: "Secrets Manager can't find the specified secret.",
        $metadata: { httpStatusCode: 400 },
      });
    }
    if (secret.deletedDate) {
      throw serviceError(
        "InvalidRequestException",
        "You can't perform this operation on the secret because it was marked for deletion.",
      );
    }
    const version = input.VersionId
      ? secret.versions.find((v) => v.id === input.VersionId)
      : secret.versions.find((v) => v.stages.has(input.VersionStage ?? "AWSCURRENT"));
    if (!version) {
      throw new ResourceNotFoundException({
        message: `Secrets Manager can't find the specified secret value for ${input.VersionId ? "VersionId" : "staging label"}: ${input.VersionId ?? input.VersionStage}`,
        $metadata: { httpStatusCode: 400 },
      });
    }
    return {
      ARN: secret.arn,
      Name: secret.name,
      VersionId: version.id,
      ...(version.SecretString !== undefined ? { SecretString: version.SecretString } : {}),
      ...(version.SecretBinary !== undefined ? { SecretBinary: version.SecretBinary } : {}),
      VersionStages: [...version.stages],
      CreatedDate: new Date(0),
      $metadata: { httpStatusCode: 200 },
    };
  };

  const fake: FakeSecretsManager = {
    config: { region: async () => region },
    calls,
    get destroyed() {
      return destroyed;
    },
    destroy() {
      destroyed++;
    },
    put(name, value, stages = ["AWSCURRENT"]) {
      let secret = secrets.get(name);
      if (!secret) {
        secret = {
          name,
          arn: `arn:aws:secretsmanager:${region}:123456789012:secret:${name}-AbCdEf`,
          versions: [],
        };
        secrets.set(name, secret);
      }
      for (const stage of stages) {
        const holder = secret.versions.find((v) => v.stages.has(stage));
        if (!holder) continue;
        holder.stages.delete(stage);
        if (stage === "AWSCURRENT") {
          for (const other of secret.versions) other.stages.delete("AWSPREVIOUS");
          holder.stages.add("AWSPREVIOUS");
        }
      }
      const id = `v-${++versionCounter}-0000-0000-0000-000000000000`;
      secret.versions.push({
        id,
        ...(typeof value === "string" ? { SecretString: value } : { SecretBinary: value }),
        stages: new Set(stages),
      });
      return id;
    },
    scheduleDeletion(name, deletedDate) {
      const secret = secrets.get(name);
      if (secret) secret.deletedDate = deletedDate;
    },
    failNext: (...errors) => void failures.push(...errors),
    failNextDescribe: (...errors) => void describeFailures.push(...errors),
    hangNext: () => {
      hang = true;
    },
    async send(command: unknown, options?: { abortSignal?: AbortSignal }) {
      const signal = options?.abortSignal;
      if (command instanceof GetSecretValueCommand) {
        calls.push({ command: "GetSecretValue", input: { ...command.input }, signal });
        if (hang) {
          hang = false;
          await new Promise<never>((_, reject) => {
            const abort = () => reject(Object.assign(new Error("Request aborted"), { name: "AbortError" }));
            if (signal?.aborted) abort();
            signal?.addEventListener("abort", abort, { once: true });
          });
        }
        if (failures.length > 0) throw failures.shift();
        return getSecretValue(command.input);
      }
      if (command instanceof DescribeSecretCommand) {
        calls.push({ command: "DescribeSecret", input: { ...command.input }, signal });
        if (describeFailures.length > 0) throw describeFailures.shift();
        const secret = find(command.input.SecretId ?? "");
        if (!secret) throw new ResourceNotFoundException({ message: "not found", $metadata: {} });
        return {
          ARN: secret.arn,
          Name: secret.name,
          ...(secret.deletedDate ? { DeletedDate: secret.deletedDate } : {}),
        };
      }
      calls.push({ command: "Other", input: {}, signal });
      throw new Error("the fake supports GetSecretValue and DescribeSecret only");
    },
  };
  return fake;
}
