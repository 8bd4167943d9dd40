/**
 * Fault injection for tests and benchmarks: added latency, error rates,
 * hangs and a list page naming a next page elsewhere, per operation, and a
 * cap on requests in flight. Operations are named by their twilio-oai
 * operationId (FetchInteraction, ListInteractionChannel, ...) or `*` for
 * every API route.
 */

export type FaultStatus = 429 | 500 | 503;

export interface FaultRule {
  /** operationId, a list of them, or `*` (the default). */
  match?: string | string[];
  latencyMs?: number;
  jitterMs?: number;
  errors?: Array<{ status: FaultStatus; rate: number }>;
  hangRate?: number;
  /** A list page names this URL as its `meta.next_page_url`: an answer that sends the helper to another host. */
  nextPageUrl?: string;
}

export interface FaultConfig {
  rules: FaultRule[];
  /** Past this many API requests in flight, answer 429 (code 20429). */
  maxInFlight?: number | null;
}

export type FaultDecision = { latencyMs: number; outcome: 'pass' | 'hang' | FaultStatus };

/** JSON Schema for the admin route and the `--faults` option. */
export const faultConfigSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    maxInFlight: { type: ['integer', 'null'], minimum: 1 },
    rules: {
      type: 'array',
      maxItems: 100,
      items: {
        type: 'object',
        additionalProperties: false,
        properties: {
          match: {
            anyOf: [
              { type: 'string', minLength: 1 },
              { type: 'array', items: { type: 'string', minLength: 1 }, minItems: 1 },
            ],
          },
          latencyMs: { type: 'integer', minimum: 0, maximum: 600000 },
          jitterMs: { type: 'integer', minimum: 0, maximum: 600000 },
          hangRate: { type: 'number', minimum: 0, maximum: 1 },
          nextPageUrl: { type: 'string', minLength: 1, maxLength: 2000 },
          errors: {
            type: 'array',
            items: {
              type: 'object',
              additionalProperties: false,
              required: ['status', 'rate'],
              properties: {
                status: { enum: [429, 500, 503] },
                rate: { type: 'number', minimum: 0, maximum: 1 },
              },
            },
          },
        },
      },
    },
  },
  required: ['rules'],
} as const;

export const NO_FAULTS: FaultConfig = { rules: [], maxInFlight: null };

function matches(rule: FaultRule, operationId: string): boolean {
  const match = rule.match ?? '*';
  const names = Array.isArray(match) ? match : [match];
  return names.includes('*') || names.includes(operationId);
}

/** Every matching rule adds its latency; one roll decides hang, error or pass. */
export function decide(config: FaultConfig, operationId: string, random: () => number = Math.random): FaultDecision {
  let latencyMs = 0;
  let outcome: FaultDecision['outcome'] = 'pass';
  for (const rule of config.rules) {
    if (!matches(rule, operationId)) continue;
    latencyMs += (rule.latencyMs ?? 0) + Math.floor(random() * (rule.jitterMs ?? 0));
    if (outcome !== 'pass') continue;
    if (rule.hangRate && random() < rule.hangRate) {
      outcome = 'hang';
      continue;
    }
    let roll = random();
    for (const error of rule.errors ?? []) {
      if (roll < error.rate) {
        outcome = error.status;
        break;
      }
      roll -= error.rate;
    }
  }
  return { latencyMs, outcome };
}

/** The `nextPageUrl` of the first matching rule that has one, else null. */
export function nextPageUrlFor(config: FaultConfig, operationId: string): string | null {
  return config.rules.find((rule) => rule.nextPageUrl !== undefined && matches(rule, operationId))?.nextPageUrl ?? null;
}
