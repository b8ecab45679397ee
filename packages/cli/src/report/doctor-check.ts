/** A finding of the doctor beyond resolution (shadowing, file hygiene, Dockerfiles, policy, verification). */
export interface DoctorCheck {
  /** Stable code, e.g. `shadowed`, `LOOSE_PERMISSIONS`, `NOT_GIT_IGNORED`, `DOCKERFILE_TOKEN`, `POLICY_VIOLATION`. */
  readonly id: string;
  /** `error` makes the doctor exit non-zero; `warn` needs attention; `info` and `ok` are for the record. */
  readonly level: "ok" | "info" | "warn" | "error";
  /** What was found. Never a secret value. */
  readonly message: string;
  /** How to fix it. */
  readonly fix?: string | undefined;
  /** The file (and line) concerned, when there is one. */
  readonly location?: string | undefined;
}
