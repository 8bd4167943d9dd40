import type { SidKind } from './sid';

/**
 * The parameters the three endpoints read, declared once: request-input.ts reads its names and bounds from here,
 * and `npm run docs` writes the README's Parameters table and schema/openapi.json from the same list
 * (scripts/openapi.ts). The prose is in PARAMETER_TEXT, which no function imports: esbuild leaves it out of the bundles.
 */

export const ENDPOINTS = ['flex', 'studio', 'webhook'] as const;
export type Endpoint = (typeof ENDPOINTS)[number];
export const ENDPOINT_PATHS: Record<Endpoint, string> = {
  flex: '/interaction',
  studio: '/studio/interaction',
  webhook: '/webhooks/interaction',
};

export const INCLUDE_PARTS = ['channels', 'participants', 'invites', 'conversation', 'task'] as const;
export type IncludePart = (typeof INCLUDE_PARTS)[number];

/** Where a caller may put the Interaction SID, in the order they are read. */
export const INTERACTION_SID_PARAMETERS = ['InteractionSid', 'interactionSid', 'interaction_sid', 'flexInteractionSid'] as const;
/** Where a caller may put a transfer's SID. */
export const TRANSFER_SID_PARAMETERS = ['TransferSid', 'transferSid'] as const;
export const INCLUDE_PARAMETERS = ['include', 'Include'] as const;

/**
 * What a value may be: a SID of a kind, an include list, a boolean (the text true, false, 1 or 0 in any case, or a
 * JSON boolean), any text, or a JSON object (as text, or an object in a JSON body). scripts/openapi.ts turns each
 * into its JSON Schema from the same SID_PATTERNS and INCLUDE_PARTS the parser uses; test/unit/request-parameters.test.ts
 * holds the schemas to what the parser accepts.
 */
export type ParameterValue = { sid: SidKind } | 'include' | 'boolean' | 'text' | 'json-object';

export interface RequestParameter {
  /** The first name is the one documented; the others are read too, and must agree with it. */
  names: readonly string[];
  endpoints: readonly Endpoint[];
  /** The endpoints that refuse a request without it (under one of its names). */
  requiredOn?: readonly Endpoint[];
  /** In the body of a POST only, never in the URL. */
  bodyOnly?: true;
  value: ParameterValue;
  /** Characters at most; a longer value is a 400. */
  maxLength: number;
}

const ALL = ENDPOINTS;

export const REQUEST_PARAMETERS = {
  InteractionSid: {
    names: INTERACTION_SID_PARAMETERS,
    endpoints: ALL,
    requiredOn: ['flex', 'studio'],
    value: { sid: 'interaction' },
    maxLength: 4096,
  },
  include: { names: INCLUDE_PARAMETERS, endpoints: ALL, value: 'include', maxLength: 200 },
  TransferSid: { names: TRANSFER_SID_PARAMETERS, endpoints: ALL, value: { sid: 'transfer' }, maxLength: 64 },
  fresh: { names: ['fresh'], endpoints: ALL, value: 'boolean', maxLength: 10 },
  Token: { names: ['Token'], endpoints: ['flex'], requiredOn: ['flex'], bodyOnly: true, value: 'text', maxLength: 16_384 },
  EventType: { names: ['EventType'], endpoints: ['webhook'], value: 'text', maxLength: 128 },
  TaskSid: { names: ['TaskSid'], endpoints: ['webhook'], value: { sid: 'task' }, maxLength: 64 },
  WorkspaceSid: { names: ['WorkspaceSid'], endpoints: ['webhook'], value: { sid: 'workspace' }, maxLength: 64 },
  TaskAttributes: { names: ['TaskAttributes'], endpoints: ['webhook'], value: 'json-object', maxLength: 256 * 1024 },
} as const satisfies Record<string, RequestParameter>;

export type ParameterName = keyof typeof REQUEST_PARAMETERS;

/**
 * What each parameter means, as the README's Parameters table and the OpenAPI document say it; its other names and
 * its pattern are added from REQUEST_PARAMETERS where they are written.
 */
export const PARAMETER_TEXT: Record<ParameterName, string> = {
  InteractionSid: 'The Flex Interaction SID, `KD` + 32 hex characters.',
  include:
    'Comma list of `channels`, `participants`, `invites`, `conversation`, `task`, or `all`. Empty (the default) costs ' +
    'exactly one Twilio call. `participants` and `invites` imply `channels`.',
  TransferSid:
    'Optional: a transfer of this interaction (`UX...`) to describe as `transfer`; one more call, on the ' +
    "interaction's channel. TaskRouter's events carry none, so a webhook gets it only when its caller adds it.",
  fresh:
    "`true` (or `1`, or JSON `true`) skips the warm container's cache and fetches again; `false`, `0` or absent use it; anything else is a 400.",
  Token:
    "The signed-in user's Flex token (required), in the POST body with every other parameter. A token that came in " +
    'the URL (a GET, or a POST whose body is too short to hold all the parameters) is a 400 that says where it belongs.',
  EventType: "A TaskRouter event callback's event, e.g. `task.created`; echoed in a `skipped` answer.",
  TaskSid: "The event's task (`WT...`): the task a write-back writes to.",
  WorkspaceSid: "The event's workspace (`WS...`).",
  TaskAttributes: "The task's attributes, a JSON object: the interaction SID is read from its `flexInteractionSid`.",
};
