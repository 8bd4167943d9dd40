// The example answer docs/payload.md shows, written by `npm run docs`: what /studio/interaction answers for the seed's
// first interaction, the function called in this process as the Functions runtime calls it (the caller installs the
// global Twilio.Response), against the emulator in this process on a fixed clock, so that the seed's dates and ages
// are the same on every run.
import { emulatorEnv, invoke } from '../harness';
import { startEmulator } from '../emulator/server';
import { readSeedFile, seededInteractions } from '../emulator/seed';
import type { EnrichedInteraction } from '../src/core/payload';
import { handler, resetWarmContainer } from '../src/functions/studio/interaction.protected';

/** The emulator's now, and the answer's `meta.fetchedAt`. */
const CLOCK = '2026-11-25T09:42:05.274Z';
/** Sent as the caller's X-Request-Id, which the answer keeps. */
const REQUEST_ID = 'readme-example-0001';
/** How long the function took differs on every run: the example shows this. */
const DURATION_MS = 11;

export async function payloadExample(): Promise<EnrichedInteraction> {
  const [seeded] = seededInteractions(readSeedFile());
  const emulator = await startEmulator({ port: 0, now: () => Date.parse(CLOCK) });
  try {
    resetWarmContainer();
    const env = emulatorEnv(emulator, { LOG_LEVEL: 'silent' });
    const answer = await invoke(handler, env, { InteractionSid: seeded!.sid }, { headers: { 'x-request-id': REQUEST_ID } });
    if (answer.status !== 200) throw new Error(`/studio/interaction answered ${answer.status}: ${JSON.stringify(answer.body)}`);
    const payload = answer.body as EnrichedInteraction;
    // The fetch reads the wall clock, which the emulator's fixed one does not reach.
    return { ...payload, meta: { ...payload.meta, fetchedAt: CLOCK, durationMs: DURATION_MS, ageMs: 0 } };
  } finally {
    resetWarmContainer();
    await emulator.close();
  }
}
