import { interactionJson } from '../../emulator/representations';
import { readSeedFile, storeFromSeed } from '../../emulator/seed';
import type { InteractionResource } from '../../src/core/twilio/twilio-gateway';

/** The seed's interactions as the gateway hands them to enrichment, without any HTTP in between. */
const seed = readSeedFile();
const store = storeFromSeed(seed, () => Date.parse('2026-11-24T10:00:00Z'));

export function seededInteraction(labelPart: string): InteractionResource {
  const spec = seed.interactions.find((i) => i.label.toLowerCase().includes(labelPart.toLowerCase()));
  if (!spec) throw new Error(`no seeded interaction like "${labelPart}"`);
  const json = interactionJson(store, store.find('interaction', spec.sids.interaction!)!) as Record<string, any>;
  return {
    sid: json.sid,
    channel: json.channel,
    routing: json.routing,
    url: json.url,
    links: json.links,
    interactionContextSid: json.interaction_context_sid,
    webhookTtid: json.webhook_ttid,
  };
}
