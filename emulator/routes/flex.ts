import { page } from '../paging';
import { channelJson, interactionJson, inviteJson, participantJson, transferJson } from '../representations';
import { CHANNEL_TYPES, isRecord, PARTICIPANT_TYPES, TRANSFER_STATUSES, TRANSFER_TYPES, type InteractionInput, type Store } from '../store';
import { errors } from '../twilio-error';
import { bodyText, formEnum, formJsonObject, formString, onlyFields, type ApiRoute } from './route';

const INTERACTION = '/v1/Interactions/:Sid';
const CHANNELS = '/v1/Interactions/:InteractionSid/Channels';
const CHANNEL = `${CHANNELS}/:Sid`;
const PARTICIPANTS = `${CHANNELS}/:ChannelSid/Participants`;
const PARTICIPANT = `${PARTICIPANTS}/:Sid`;
const INVITES = `${CHANNELS}/:ChannelSid/Invites`;
const TRANSFERS = `${CHANNELS}/:ChannelSid/Transfers`;
const TRANSFER = `${TRANSFERS}/:Sid`;

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
    operationId: 'UpdateInteractionChannelParticipant',
    product: 'flex',
    method: 'POST',
    path: PARTICIPANT,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO', Sid: 'UT' },
    handle: ({ params, path, body }, store) => {
      const channel = channelOf(store, params, path);
      const participant = store.participantsOf(channel.sid).find((p) => p.sid === params.Sid);
      if (!participant) throw errors.notFound(path);
      const status = formEnum(body, 'Status', ['closed', 'wrapup'] as const);
      if (status === undefined) throw errors.missingParameter('Status');
      return { body: participantJson(store.updateParticipant(participant, { status })) };
    },
  },
  {
    operationId: 'CreateInteractionChannelInvite',
    product: 'flex',
    method: 'POST',
    path: INVITES,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO' },
    handle: ({ params, path, body }, store) => {
      const channel = channelOf(store, params, path);
      const routing = formJsonObject(body, 'Routing');
      if (!routing) throw errors.missingParameter('Routing');
      const properties = routing.properties;
      const queueSid = isRecord(properties) ? properties.queue_sid : undefined;
      if (typeof queueSid !== 'string') throw errors.invalidParameter('Routing', 'properties.queue_sid is required');
      const attributes = isRecord(properties) && isRecord(properties.attributes) ? properties.attributes : undefined;
      const invite = store.addInvite(channel, { queueSid, ...(attributes ? { attributes } : {}) });
      return { status: 201, body: inviteJson(store, invite) };
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
  // twilio-oai gives the Transfer operations no request body. The helper sends the object it is
  // given as a JSON body; the emulator takes type (required on create), from, to and status, and
  // refuses any other key (a `{ body: {...} }` wrapper included) rather than guess.
  {
    operationId: 'CreateInteractionTransfer',
    product: 'flex',
    method: 'POST',
    path: TRANSFERS,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO' },
    handle: ({ params, path, body }, store) => {
      const channel = channelOf(store, params, path);
      onlyFields(body, ['type', 'from', 'to']);
      const type = formEnum(body, 'type', TRANSFER_TYPES);
      if (type === undefined) throw errors.missingParameter('type');
      const from = bodyText(body, 'from');
      const to = bodyText(body, 'to');
      if (from !== undefined && !store.participantsOf(channel.sid).some((p) => p.sid === from))
        throw errors.invalidParameter('from', `participant ${from} is not on channel ${channel.sid}`);
      const transfer = store.addTransfer(channel, { type, from: from ?? null, to: to ?? null });
      return { status: 201, body: transferJson(store, transfer) };
    },
  },
  {
    operationId: 'FetchInteractionTransfer',
    product: 'flex',
    method: 'GET',
    path: TRANSFER,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO', Sid: 'UX' },
    handle: ({ params, path }, store) => ({
      body: transferJson(store, store.transfer(params.InteractionSid!, params.ChannelSid!, params.Sid!, path)),
    }),
  },
  {
    operationId: 'UpdateInteractionTransfer',
    product: 'flex',
    method: 'POST',
    path: TRANSFER,
    sids: { InteractionSid: 'KD', ChannelSid: 'UO', Sid: 'UX' },
    handle: ({ params, path, body }, store) => {
      const transfer = store.transfer(params.InteractionSid!, params.ChannelSid!, params.Sid!, path);
      onlyFields(body, ['status', 'to']);
      const status = formEnum(body, 'status', TRANSFER_STATUSES);
      const to = bodyText(body, 'to');
      return { body: transferJson(store, store.updateTransfer(transfer, { ...(status ? { status } : {}), ...(to ? { to } : {}) })) };
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
