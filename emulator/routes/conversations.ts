import { page } from '../paging';
import { conversationJson, conversationParticipantJson } from '../representations';
import type { ApiRoute } from './route';

/** Conversations (conversations.twilio.com): the media behind a messaging interaction. */
export const conversationsRoutes: ApiRoute[] = [
  {
    operationId: 'FetchConversation',
    product: 'conversations',
    method: 'GET',
    path: '/v1/Conversations/:Sid',
    sids: { Sid: 'CH' },
    handle: ({ params, path }, store) => ({ body: conversationJson(store, store.conversation(params.Sid!, path)) }),
  },
  {
    operationId: 'ListConversationParticipant',
    product: 'conversations',
    method: 'GET',
    path: '/v1/Conversations/:ConversationSid/Participants',
    sids: { ConversationSid: 'CH' },
    handle: ({ params, path, query }, store) => {
      const conversation = store.conversation(params.ConversationSid!, path);
      const participants = store
        .conversationParticipantsOf(conversation.sid)
        .map((participant) => conversationParticipantJson(store, participant));
      return { body: page(query, participants, { product: 'conversations', path, key: 'participants' }) };
    },
  },
];
