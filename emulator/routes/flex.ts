import { page } from '../paging';
import { channelJson, interactionJson, inviteJson, participantJson } from '../representations';
import { CHANNEL_TYPES, isRecord, PARTICIPANT_TYPES, type InteractionInput, type Store } from '../store';
import { errors } from '../twilio-error';
import { formEnum, formJsonObject, formString, type ApiRoute } from './route';

const INTERACTION = '/v1/Interactions/:Sid';
const CHANNELS = '/v1/Interactions/:InteractionSid/Channels';
const CHANNEL = `${CHANNELS}/:Sid`;
const PARTICIPANTS = `${CHANNELS}/:ChannelSid/Participants`;
const INVITES = `${CHANNELS}/:ChannelSid/Invites`;

/** Flex Interactions (flex-api.twilio.com), as twilio_flex_v1.json describes them. */
export const flexRoutes: ApiRoute[] = [
  {
    operationId: 'CreateInteraction',
    product: 'flex',
    method: 'POST',
    path: '/v1/Interactions',
    sids: {},
    handle: ({ body }, store) => {
      const input = interactionInput(body);
      return { status: 201, body: interactionJson(store, store.createInteraction(input)) };
    },
  },
  {
    operationId: 'FetchInteraction',
    product: 'flex',
    method: 'GET',
    path: INTERACTION,
    sids: { Sid: 'KD' },
    handle: ({ params, path }, store) => ({ body: interactionJson(store, store.interaction(params.Sid!, path)) }),
  },
  {
    operationId: 'UpdateInteraction',
    product: 'flex',
    method: 'POST',
    path: INTERACTION,
    sids: { Sid: 'KD' },
    handle: ({ params, path, body }, store) => {
      const interaction = store.interaction(params.Sid!, path);
      const webhookTtid = formString(body, 'WebhookTtid');
      const updated = store.updateInteraction(interaction, webhookTtid !== undefined ? { webhookTtid } : {});
      return { body: interactionJson(store, updated) };
    },
  },
  {
    operationId: 'ListInteractionChannel',
    product: 'flex',
    method: 'GET',
    path: CHANNELS,
    sids: { InteractionSid: 'KD' },
    handle: ({ params, path, query }, store) => {
      store.interaction(params.InteractionSid!, path);
      const channels = store.channelsOf(params.InteractionSid!).map(channelJson);
      return { body: page(query, channels, { product: 'flex', path, key: 'channels' }) };
    },
  },
  {
    operationId: 'FetchInteractionChannel',
    product: 'flex',
    method: 'GET',
    path: CHANNEL,
    sids: { InteractionSid: 'KD', Sid: 'UO' },
    handle: ({ params, path }, store) => ({ body: channelJson(channelOf(store, params, path)) }),
  },
  {
    operationId: 'UpdateInteractionChannel',
    product: 'flex',
    method: 'POST',
    path: CHANNEL,
    sids: { InteractionSid: 'KD', Sid: 'UO' },
    handle: ({ params, path, body }, store) => {
      const channel = channelOf(store, params, path);
      const status = formEnum(body, 'Status', ['closed', 'inactive'] as const);
      if (status === undefined) throw errors.missingParameter('Status');
      formJsonObject(body, 'Routing');
      return { body: channelJson(store.updateChannel(channel, { status })) };
    },
  },
  {
    operationId: 'ListInteractionChannelParticipant',
    product: 'flex',
    method: 'GET',
    path: PARTICIPANTS,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO' },
    handle: ({ params, path, query }, store) => {
      const channel = channelOf(store, params, path);
      const participants = store.participantsOf(channel.sid).map(participantJson);
      return { body: page(query, participants, { product: 'flex', path, key: 'participants' }) };
    },
  },
  {
    operationId: 'CreateInteractionChannelParticipant',
    product: 'flex',
    method: 'POST',
    path: PARTICIPANTS,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO' },
    handle: ({ params, path, body }, store) => {
      const channel = channelOf(store, params, path);
      const type = formEnum(body, 'Type', PARTICIPANT_TYPES);
      if (type === undefined) throw errors.missingParameter('Type');
      if (formJsonObject(body, 'MediaProperties') === undefined) throw errors.missingParameter('MediaProperties');
      const routingProperties = formJsonObject(body, 'RoutingProperties') ?? null;
      return { status: 201, body: participantJson(store.addChannelParticipant(channel, { type, routingProperties })) };
    },
  },
  {
    operationId: 'ListInteractionChannelInvite',
    product: 'flex',
    method: 'GET',
    path: INVITES,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO' },
    handle: ({ params, path, query }, store) => {
      const channel = channelOf(store, params, path);
      const invites = store.invitesOf(channel.sid).map((invite) => inviteJson(store, invite));
      return { body: page(query, invites, { product: 'flex', path, key: 'invites' }) };
    },
  },
];

function channelOf(store: Store, params: Record<string, string>, path: string) {
  return store.channel(params.InteractionSid!, params.ChannelSid ?? params.Sid!, path);
}

/** Channel and Routing arrive as JSON strings in the form body, as the helper sends them. */
function interactionInput(body: Record<string, unknown>): InteractionInput {
  const channel = formJsonObject(body, 'Channel');
  if (!channel) throw errors.missingParameter('Channel');
  const routing = formJsonObject(body, 'Routing');
  if (!routing) throw errors.missingParameter('Routing');
  if (typeof channel.type !== 'string' || !(CHANNEL_TYPES as readonly string[]).includes(channel.type))
    throw errors.invalidParameter('Channel', `type must be one of ${CHANNEL_TYPES.join(', ')}`);
  if (channel.participants !== undefined && !Array.isArray(channel.participants))
    throw errors.invalidParameter('Channel', 'participants must be an array');
  const properties = routing.properties;
  if (!isRecord(properties) || typeof properties.workspace_sid !== 'string')
    throw errors.invalidParameter('Routing', 'properties.workspace_sid is required');
  if (properties.attributes !== undefined && !isRecord(properties.attributes))
    throw errors.invalidParameter('Routing', 'properties.attributes must be an object');
  const interactionContextSid = formString(body, 'InteractionContextSid');
  const webhookTtid = formString(body, 'WebhookTtid');
  return {
    channel: channel as InteractionInput['channel'],
    routing: routing as InteractionInput['routing'],
    ...(interactionContextSid ? { interactionContextSid } : {}),
    ...(webhookTtid ? { webhookTtid } : {}),
  };
}
