export {
  type ContractCapabilities,
  type ContractSubject,
  describeSecretProviderContract,
  errorText,
  expectNoSecret,
  makeTestToken,
  secretForms,
} from "./contract.js";
export { createFakeClock, type FakeClock } from "./fake-clock.js";
export {
  type FakeHfServer,
  type FakeReply,
  type FakeRequestRecord,
  type FakeTokenInfo,
  startFakeHfServer,
} from "./fake-hf-server.js";
export { type Fault, type FaultProxy, type FaultProxyOptions, startFaultProxy } from "./fault-proxy.js";
export {
  createFaultyProvider,
  type FaultStep,
  type FaultyProvider,
  type FaultyProviderOptions,
} from "./faulty-provider.js";
export { expectLinearTime } from "./linear-time.js";
export { createMemoryProvider, type MemoryProvider, type MemoryProviderOptions } from "./memory-provider.js";
