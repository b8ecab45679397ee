export { ATTRIBUTES, FETCH_SPAN_NAME, METRICS } from "./attributes.js";
export {
  INSTRUMENTATION_NAME,
  INSTRUMENTATION_VERSION,
  type InstrumentOptions,
  instrument,
  type Unsubscribe,
} from "./instrument.js";
