export { registerDoctor } from "./commands/doctor.js";
export { type CliIo, processIo } from "./io.js";
export { createProgram, EXIT, runCli } from "./program.js";
export {
  buildDoctorReport,
  type DoctorAttempt,
  type DoctorCheck,
  type DoctorOptions,
  type DoctorReport,
  isKnownError,
} from "./report/doctor-report.js";
export { formatDoctorReport } from "./report/format-doctor.js";
export { type Style, styleFor } from "./report/style.js";
