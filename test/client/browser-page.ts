/**
 * The page test/client/browser.test.ts loads in Chromium: the Flex client, bundled by esbuild, on an origin other than
 * the Service's, as in a Flex plugin. It renders nothing; the test drives it through `window.flexClientPage`.
 */
import {
  createEnrichmentClient,
  type EnrichedInteraction,
  type EnrichmentClient,
  type TaskLike,
} from '@flex-interaction-enrichment/flex-client';

export interface FlexClientPage {
  /**
   * A new client, with nothing kept, against the Service at `baseUrl`: its `getToken` gives `tokens` in turn, and the
   * last one again once they are used up.
   */
  start(setup: { baseUrl: string; tokens: string[] }): void;
  /** How many times the client has asked `getToken`. */
  tokenAsks(): number;
  /** `getInteraction` asked `times` at once, as that many components showing one task would. */
  askAtOnce(interactionSid: string, times: number): Promise<{ answers: EnrichedInteraction[]; sameObject: boolean }>;
  taskSummary(task: TaskLike): ReturnType<EnrichmentClient['getTaskSummary']>;
}

declare global {
  interface Window {
    flexClientPage: FlexClientPage;
  }
}

let client: EnrichmentClient | undefined;
let asks = 0;

function started(): EnrichmentClient {
  if (!client) throw new Error('flexClientPage.start() first');
  return client;
}

window.flexClientPage = {
  start({ baseUrl, tokens }) {
    asks = 0;
    client = createEnrichmentClient({ baseUrl, getToken: () => tokens[Math.min(asks++, tokens.length - 1)] });
  },
  tokenAsks: () => asks,
  async askAtOnce(interactionSid, times) {
    const answers = await Promise.all(Array.from({ length: times }, () => started().getInteraction(interactionSid)));
    return { answers, sameObject: answers.every((answer) => answer === answers[0]) };
  },
  taskSummary: (task) => started().getTaskSummary(task),
};
