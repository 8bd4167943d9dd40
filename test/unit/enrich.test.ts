import { addIncluded, describeInteraction, isoDate, unavailableParts } from '../../src/core/enrich';
import { EnrichmentError } from '../../src/core/errors';
import { seededInteraction } from '../support/seed-fixtures';

describe('what the interaction itself tells', () => {
  test('an inbound SMS: channel, task, customer and conversation, dates in ISO 8601', () => {
    const { body, warnings, taskRef, conversationSid } = describeInteraction(seededInteraction('Inbound SMS'));
    expect(warnings).toEqual([]);
    expect(body.channel).toEqual({ sid: expect.stringMatching(/^UO/), type: 'sms' });
    expect(body.customer).toEqual({
      name: 'Priya Raman',
      address: '+14155550134',
      from: '+14155550134',
      phone: '+14155550134',
      email: null,
    });
    expect(body.conversation).toEqual({ sid: conversationSid, direction: 'inbound', initiatedBy: 'customer' });
    expect(conversationSid).toMatch(/^CH[0-9a-f]{32}$/);
    expect(body.task).toMatchObject({
      sid: taskRef!.taskSid,
      workspaceSid: taskRef!.workspaceSid,
      workflowName: 'Assign to Anyone',
      queueName: 'Billing Support',
      taskChannel: 'sms',
      assignmentStatus: 'assigned',
      priority: 10,
      dateCreated: '2026-11-24T09:53:00.000Z',
      attributes: expect.objectContaining({
        topic: 'Duplicate card charge',
        customers: expect.objectContaining({ customer_label: 'Premier' }),
      }),
    });
    expect(body.interaction.routing).toEqual(seededInteraction('Inbound SMS').routing);
  });

  test('an email gives the customer email; a voice call has no conversation', () => {
    expect(describeInteraction(seededInteraction('Email')).body.customer.email).toBe('mateo.fernandez@example.com');
    const voice = describeInteraction(seededInteraction('voice'));
    expect(voice.body.channel.type).toBe('voice');
    expect(voice.conversationSid).toBeNull();
    expect(unavailableParts(voice, ['conversation'])).toEqual([expect.objectContaining({ code: 'no_conversation' })]);
  });

  test('task attributes that are not JSON are kept raw, with a warning, and nothing is guessed from them', () => {
    const { body, warnings } = describeInteraction(seededInteraction('not valid JSON'));
    expect(warnings).toEqual([expect.objectContaining({ code: 'task_attributes_invalid_json' })]);
    expect(body.task!.attributes).toBeNull();
    expect(body.task!.attributesRaw).toMatch(/^\{"customerName":"Sofia Rossi"/);
    expect(body.customer).toEqual({ name: null, address: null, from: null, phone: null, email: null });
    expect(body.channel.type).toBe('sms');
  });

  test("the routing's reservation beside the task: its SID, status and worker, or null", () => {
    const interaction = seededInteraction('Inbound SMS');
    // Accepted by its agent in the seed; a task still waiting has none.
    expect(describeInteraction(interaction).body.reservation).toEqual({
      sid: expect.stringMatching(/^WR/),
      status: 'accepted',
      workerSid: 'WKba580ac23299728291ece72a28bb43be',
    });
    expect(describeInteraction(seededInteraction('WhatsApp asking')).body.reservation).toBeNull();
    const reservation = { sid: 'WR' + '8'.repeat(32), reservation_status: 'accepted', worker_sid: 'WK' + '9'.repeat(32) };
    const reserved = { ...interaction, routing: { ...interaction.routing, reservation } };
    expect(describeInteraction(reserved).body.reservation).toEqual({
      sid: reservation.sid,
      status: 'accepted',
      workerSid: reservation.worker_sid,
    });
    const odd = { ...interaction, routing: { ...interaction.routing, reservation: { sid: 'not a sid', worker_sid: 7 } } };
    expect(describeInteraction(odd).body.reservation).toEqual({ sid: null, status: null, workerSid: null });
  });

  test('no routing at all: task is null and a warning says so', () => {
    const { body, warnings, taskRef } = describeInteraction({ ...seededInteraction('Inbound SMS'), routing: null });
    expect(body.task).toBeNull();
    expect(taskRef).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['routing_missing']);
  });

  test('the conversation SID falls back to the ChatTranscript media; odd values are ignored', () => {
    const interaction = seededInteraction('Inbound SMS');
    const properties = (interaction.routing as any).properties;
    const attributes = JSON.parse(properties.attributes);
    const media = attributes.conversations.media[0].sid;
    delete attributes.conversationSid;
    const fallback = { ...interaction, routing: { properties: { ...properties, attributes: JSON.stringify(attributes) } } };
    expect(describeInteraction(fallback).conversationSid).toBe(media);
    attributes.conversations.media = [{ sid: '../../secret' }];
    const odd = { ...interaction, routing: { properties: { ...properties, attributes: JSON.stringify(attributes) } } };
    expect(describeInteraction(odd).conversationSid).toBeNull();
  });
});

describe('included parts', () => {
  const described = () => describeInteraction(seededInteraction('three channels'));
  const failure = new EnrichmentError('upstream_error', 'Twilio answered HTTP 503 while listing.');
  const channel = { sid: 'UO' + 'a'.repeat(32), type: 'sms', status: 'active', errorCode: null, errorMessage: null };
  const agentRouting = { workspace_sid: 'WS' + '5'.repeat(32), task_sid: 'WT' + '6'.repeat(32), worker_sid: 'WK' + '7'.repeat(32) };

  test('channels with their participants', () => {
    const { body, partial } = addIncluded(described(), {
      channels: {
        ok: true,
        value: [
          {
            channel,
            participants: {
              ok: true,
              value: [
                { sid: 'UT' + 'b'.repeat(32), type: 'customer', routingProperties: null },
                { sid: 'UT' + 'c'.repeat(32), type: 'agent', routingProperties: agentRouting },
              ],
            },
          },
        ],
      },
    });
    expect(partial).toBe(false);
    expect(body.channels).toEqual([
      {
        ...channel,
        participants: [
          {
            sid: 'UT' + 'b'.repeat(32),
            type: 'customer',
            channelSid: channel.sid,
            workerSid: null,
            taskSid: null,
            routingProperties: null,
          },
          {
            sid: 'UT' + 'c'.repeat(32),
            type: 'agent',
            channelSid: channel.sid,
            workerSid: agentRouting.worker_sid,
            taskSid: agentRouting.task_sid,
            routingProperties: agentRouting,
          },
        ],
      },
    ]);
  });

  test("channels with their invites: each invite's task and where it is routed", () => {
    const inviteSid = 'KG' + 'd'.repeat(32);
    const routing = {
      properties: {
        sid: 'WT' + 'e'.repeat(32),
        queue_sid: 'WQ' + 'f'.repeat(32),
        queue_name: 'Escalations',
        workflow_sid: 'WW' + '1'.repeat(32),
        workflow_name: 'Transfers',
        assignment_status: 'pending',
      },
    };
    const { body, warnings, partial } = addIncluded(described(), {
      channels: {
        ok: true,
        value: [
          {
            channel,
            invites: {
              ok: true,
              value: [
                { sid: inviteSid, routing },
                { sid: null, routing: null },
              ],
            },
          },
        ],
      },
    });
    expect(partial).toBe(false);
    expect(warnings).toEqual(described().warnings);
    expect(body.channels![0]!.invites).toEqual([
      {
        sid: inviteSid,
        taskSid: routing.properties.sid,
        queueSid: routing.properties.queue_sid,
        queueName: 'Escalations',
        workflowSid: routing.properties.workflow_sid,
        workflowName: 'Transfers',
        assignmentStatus: 'pending',
      },
      { sid: null, taskSid: null, queueSid: null, queueName: null, workflowSid: null, workflowName: null, assignmentStatus: null },
    ]);
  });

  test('invites that could not be read leave a null and an invites_unavailable warning', () => {
    const { body, warnings, partial } = addIncluded(described(), {
      channels: { ok: true, value: [{ channel, invites: { ok: false, error: failure } }] },
    });
    expect(partial).toBe(true);
    expect(body.channels![0]!.invites).toBeNull();
    expect(warnings.map((w) => w.code)).toContain('invites_unavailable');
  });

  test("a transfer: its details when read, a warning when it is not this interaction's or could not be read", () => {
    const sid = 'UX' + '2'.repeat(32);
    const found = {
      sid,
      channelSid: channel.sid,
      type: 'warm',
      status: 'active',
      from: 'UT' + '3'.repeat(32),
      to: 'UT' + '4'.repeat(32),
      noteSid: null,
      summarySid: null,
      dateCreated: '2026-11-30T08:00:00.000Z',
      dateUpdated: '2026-11-30T08:01:00.000Z',
    };
    const read = addIncluded(described(), { transfer: { sid, channelSid: channel.sid, outcome: { ok: true, value: found } } });
    expect(read.partial).toBe(false);
    expect(read.body.transfer).toEqual({
      sid,
      channelSid: channel.sid,
      type: 'warm',
      status: 'active',
      fromParticipantSid: found.from,
      to: found.to,
      noteSid: null,
      summarySid: null,
      dateCreated: found.dateCreated,
      dateUpdated: found.dateUpdated,
    });
    const missing = addIncluded(described(), { transfer: { sid, channelSid: channel.sid, outcome: { ok: true, value: null } } });
    expect(missing.body.transfer).toBeNull();
    expect(missing.partial).toBe(false);
    expect(missing.warnings.map((w) => w.code)).toContain('transfer_not_found');
    const failed = addIncluded(described(), { transfer: { sid, channelSid: channel.sid, outcome: { ok: false, error: failure } } });
    expect(failed.body.transfer).toBeNull();
    expect(failed.partial).toBe(true);
    expect(failed.warnings.map((w) => w.code)).toContain('transfer_unavailable');
  });

  test('a part that failed leaves a null, a warning naming it, and a partial answer', () => {
    const { body, warnings, partial } = addIncluded(described(), {
      channels: { ok: true, value: [{ channel, participants: { ok: false, error: failure } }] },
      task: { ok: false, error: failure },
    });
    expect(partial).toBe(true);
    expect(body.channels![0]!.participants).toBeNull();
    expect(body.liveTask).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['participants_unavailable', 'task_unavailable']);
    expect(warnings[1]!.message).toContain('HTTP 503');
  });

  test('a Conversation or task that no longer exists is an answer, not a failure', () => {
    const { body, warnings, partial } = addIncluded(described(), {
      conversation: { details: { ok: true, value: null }, participants: { ok: true, value: null } },
      task: { ok: true, value: null },
    });
    expect(partial).toBe(false);
    expect(body.conversation.details).toBeNull();
    expect(warnings.map((w) => w.code)).toEqual(['conversation_not_found', 'task_not_found']);
  });
});

test('dates: epoch seconds and ISO strings become ISO 8601; anything else null', () => {
  expect(isoDate(1795565728)).toBe('2026-11-25T00:15:28.000Z');
  expect(isoDate('1795565728')).toBe('2026-11-25T00:15:28.000Z');
  expect(isoDate('2014-05-14T18:50:02Z')).toBe('2014-05-14T18:50:02.000Z');
  expect(isoDate('yesterday')).toBeNull();
  expect(isoDate(null)).toBeNull();
});

test('dates outside years 0000-9999 are null: ISO 8601 would need six digits and a sign, which date-time does not allow', () => {
  expect(isoDate(253402300799)).toBe('9999-12-31T23:59:59.000Z');
  expect(isoDate(253402300800)).toBeNull();
  expect(isoDate(-62167219200)).toBe('0000-01-01T00:00:00.000Z');
  expect(isoDate('0000-01-01T00:30:00+01:00')).toBeNull();
  expect(isoDate(1e12)).toBeNull();
});
