import { EnrichmentError } from '../../src/core/errors';
import { readEnrichmentRequest, readFlexToken, readWebhookEvent } from '../../src/core/request-input';

const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';
const OTHER = 'KD40ef7a98525f5fc1d8d0d3205c13745e';

function refusal(read: () => unknown): { code: string; parameter?: string; message: string } {
  try {
    read();
  } catch (error) {
    if (error instanceof EnrichmentError) return { code: error.code, message: error.message, ...error.details };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the Interaction SID', () => {
  test.each(['InteractionSid', 'interactionSid', 'interaction_sid', 'flexInteractionSid'])('is read from %s', (name) => {
    expect(readEnrichmentRequest({ [name]: SID })).toEqual({ interactionSid: SID, include: [], fresh: false });
  });

  test('the same SID under two names is fine; two different SIDs are a conflict', () => {
    expect(readEnrichmentRequest({ InteractionSid: SID, interactionSid: SID }).interactionSid).toBe(SID);
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, interaction_sid: OTHER }))).toMatchObject({
      code: 'conflicting_parameters',
      parameter: 'interaction_sid',
    });
  });

  test('missing: 400 that says where to put it', () => {
    expect(refusal(() => readEnrichmentRequest({}))).toMatchObject({ code: 'missing_interaction_sid', parameter: 'InteractionSid' });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: '' })).code).toBe('missing_interaction_sid');
  });

  test('malformed, an array or an object: 400 naming the parameter', () => {
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: 'KD123' }))).toMatchObject({
      code: 'invalid_interaction_sid',
      parameter: 'InteractionSid',
    });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: [SID, SID] }))).toMatchObject({
      code: 'invalid_request',
      parameter: 'InteractionSid',
    });
    expect(refusal(() => readEnrichmentRequest({ interactionSid: { $ne: null } }))).toMatchObject({
      code: 'invalid_request',
      parameter: 'interactionSid',
    });
    expect(refusal(() => readEnrichmentRequest({ InteractionSid: 'x'.repeat(5000) })).code).toBe('invalid_request');
  });
});

describe('include', () => {
  test('is a comma list, in any case and order, canonicalised', () => {
    expect(readEnrichmentRequest({ InteractionSid: SID, include: ' Task, channels ' }).include).toEqual(['channels', 'task']);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: 'participants' }).include).toEqual(['channels', 'participants']);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: 'all' }).include).toEqual([
      'channels',
      'participants',
      'conversation',
      'task',
    ]);
    expect(readEnrichmentRequest({ InteractionSid: SID, include: '' }).include).toEqual([]);
  });

  test('an unknown part is a 400 that lists the known ones', () => {
    const refused = refusal(() => readEnrichmentRequest({ InteractionSid: SID, include: 'channels,recordings' }));
    expect(refused).toMatchObject({ code: 'invalid_include', parameter: 'include' });
    expect(refused.message).toContain('"recordings"');
    expect(refused.message).toContain('channels, participants, conversation, task');
  });
});

test('fresh is true or false', () => {
  expect(readEnrichmentRequest({ InteractionSid: SID, fresh: 'true' }).fresh).toBe(true);
  expect(readEnrichmentRequest({ InteractionSid: SID, fresh: '0' }).fresh).toBe(false);
  expect(refusal(() => readEnrichmentRequest({ InteractionSid: SID, fresh: 'yes' })).parameter).toBe('fresh');
});

describe('webhook events', () => {
  const taskRouterEvent = {
    EventType: 'task.created',
    TaskSid: 'WT2e01ccf566d006d171e2b0ab87cb95c5',
    WorkspaceSid: 'WS51ac231ada0c21d42d9eb056ae58c8a0',
    TaskAttributes: JSON.stringify({ flexInteractionSid: SID, channelType: 'sms' }),
  };

  test('a TaskRouter callback gives the SID inside TaskAttributes', () => {
    expect(readWebhookEvent(taskRouterEvent)).toEqual({
      interactionSid: SID,
      eventType: 'task.created',
      taskSid: taskRouterEvent.TaskSid,
      workspaceSid: taskRouterEvent.WorkspaceSid,
      include: [],
    });
  });

  test('an event without an interaction is not an error: the SID is simply absent', () => {
    expect(readWebhookEvent({ EventType: 'worker.activity.update', WorkerSid: 'WK123' }).interactionSid).toBeUndefined();
    expect(readWebhookEvent({ ...taskRouterEvent, TaskAttributes: '{"type":"callback"}' }).interactionSid).toBeUndefined();
  });

  test('broken TaskAttributes, a malformed SID inside them, or disagreeing SIDs: 400', () => {
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, TaskAttributes: '{"flexInteractionSid":' })).parameter).toBe(
      'TaskAttributes',
    );
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, TaskAttributes: '["KD"]' })).parameter).toBe('TaskAttributes');
    expect(refusal(() => readWebhookEvent({ TaskAttributes: '{"flexInteractionSid":"KD../../x"}' })).code).toBe('invalid_interaction_sid');
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, InteractionSid: OTHER })).code).toBe('conflicting_parameters');
    expect(refusal(() => readWebhookEvent({ ...taskRouterEvent, TaskSid: 'WT../x' })).parameter).toBe('TaskSid');
  });
});

test('the Flex token is the Token parameter, trimmed; empty counts as missing', () => {
  expect(readFlexToken({ Token: ' eyJ.a.b ' })).toBe('eyJ.a.b');
  expect(readFlexToken({ Token: '  ' })).toBeUndefined();
  expect(refusal(() => readFlexToken({ Token: ['a', 'b'] })).parameter).toBe('Token');
});
