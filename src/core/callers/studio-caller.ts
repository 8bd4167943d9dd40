import type { EnrichedInteraction } from '../payload';
import { fitWithin } from '../studio-fit';
import type { Work } from '../work';
import { invocationHandler } from './invocation';

/**
 * For Studio's Make HTTP Request and Run Function widgets (protected
 * endpoint; form, JSON or query parameters). Studio parses at most 64 kB of
 * JSON, so a successful answer is fitted within STUDIO_MAX_RESPONSE_BYTES.
 */
export function studioCaller<T>(work: Work<T>) {
  return invocationHandler('studio', {
    parse: work.parse,
    run: async (invocation, input) => {
      const answer = await work.run(invocation, input);
      if (answer.status !== 200) return answer;
      return { ...answer, body: fitWithin(answer.body as EnrichedInteraction, invocation.config.studioMaxBytes) };
    },
  });
}
