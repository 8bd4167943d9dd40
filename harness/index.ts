/**
 * The local harness: what tests, the bench and scripts use to run the project on this machine. The emulator in
 * this process or in its own, any running emulator's admin routes, `twilio-run start` on the built functions,
 * `npm start`, a function called in this process as the runtime calls it, and the twilio helper sent to the emulator.
 * Import from here (a file bundled on its own, as the bench's preload is, names the one module it needs); each module
 * says what it holds. Test data and assertions (fixtures, the malformed-request corpus, the schema and twilio-oai
 * checks) stay in test/support.
 */
export { countByOperation, startTestEmulator, type TestEmulator } from './emulator';
export { emulatorAdmin, type EmulatorAdmin, type FlexTokenSpec } from './emulator-admin';
export { startEmulatorProcess, type EmulatorProcess, type EmulatorProcessOptions } from './emulator-process';
export { emulatorCredentials, emulatorEnv, startFunctions, type FunctionsServer } from './functions-server';
export { invoke, runtimeContext, type Answer, type InvokeOptions } from './invoke';
export { isRunning, runNpmStart, type NpmStart } from './npm-start';
export { installRuntimeTwilioGlobal } from './runtime-globals';
export { freePort } from './ports';
export { listeningAddresses } from './sockets';
export { redirectedTwilioClient, redirectTwilioHelper } from './twilio-client';
