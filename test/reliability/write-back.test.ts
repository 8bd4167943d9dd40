import { emulatorEnv, startFunctions, startTestEmulator, type FunctionsServer, type TestEmulator } from '../../harness';
import { recordFigure } from '../support/figures';
import { requestEndpoint } from '../support/endpoints';
import { rawRequest } from '../support/raw-api';

/**
 * Webhook write-back (WEBHOOK_WRITE_BACK=true): the enrichment is merged into
 * the TaskRouter task's attributes under one key with If-Match, so whatever
 * others write to the task at the same time survives, and a repeated event
 * writes nothing.
 */

const WRITERS = 50;

let emulator: TestEmulator;
let writing: FunctionsServer;
let notWriting: FunctionsServer;
let event: { EventType: string; TaskSid: string; WorkspaceSid: string; TaskAttributes: string };

beforeAll(async () => {
  emulator = await startTestEmulator();
  [writing, notWriting] = await Promise.all([
    // The longest deadline: the race below is CPU-bound on a 2-core machine.
    startFunctions(emulatorEnv(emulator, { WEBHOOK_WRITE_BACK: 'true', REQUEST_DEADLINE_MS: '9500', LOG_LEVEL: 'warn' })),
    startFunctions(emulatorEnv(emulator, { LOG_LEVEL: 'warn' })),
  ]);
  const interaction = emulator.store.find('interaction', emulator.seededSid('Inbound SMS'))!;
  const task = emulator.store.find('task', interaction.primaryTaskSid)!;
  // As TaskRouter posts a Workspace event callback.
  event = { EventType: 'task.created', TaskSid: task.sid, WorkspaceSid: task.workspaceSid, TaskAttributes: task.attributes };
}, 60_000);
afterAll(async () => {
  await Promise.all([writing?.stop(), notWriting?.stop()]);
  await emulator?.close();
});
beforeEach(() => emulator.clearRequests());

const postEvent = (server: FunctionsServer) => requestEndpoint(server.url, 'POST', '/webhooks/interaction', { form: event });
/** The task through the emulator's TaskRouter API, as any other integration reads and writes it. */
const taskPath = () => `/v1/Workspaces/${event.WorkspaceSid}/Tasks/${event.TaskSid}`;
const asIntegration = () => ({ user: emulator.accountSid, password: emulator.authToken });
const TASKROUTER = { 'X-Forwarded-Host': 'taskrouter.twilio.com' };

async function readTask(): Promise<{ attributes: Record<string, unknown>; etag: string }> {
  const read = await rawRequest(emulator.url, 'GET', taskPath(), { auth: asIntegration(), headers: TASKROUTER });
  return { attributes: JSON.parse(read.body.attributes), etag: read.headers.get('etag')! };
}
const currentAttributes = async () => (await readTask()).attributes;

/** Another integration adding its own key the careful way: read, merge, write with If-Match, again (soon) on 412. */
async function addAttribute(key: string, value: string, written?: () => void): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    const { attributes, etag } = await readTask();
    const write = await rawRequest(emulator.url, 'POST', taskPath(), {
      auth: asIntegration(),
      headers: { ...TASKROUTER, 'If-Match': etag },
      form: { Attributes: JSON.stringify({ ...attributes, [key]: value }) },
    });
    if (write.status === 200) return written?.();
    if (write.status !== 412) throw new Error(`task update answered ${write.status}`);
    await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(100, 5 * 2 ** attempt)));
  }
}

test('off by default: the webhook answers the enrichment and writes nothing to the task', async () => {
  const answer = await postEvent(notWriting);
  expect(answer.status).toBe(200);
  expect(answer.body.writeBack).toBeUndefined();
  expect(emulator.countByOperation().UpdateTask).toBeUndefined();
});

test(`${WRITERS} concurrent write-backs to one task, with ${WRITERS} unrelated attribute writes at the same time, lose no key`, async () => {
  const before = await currentAttributes();
  // The events arrive while the other writers are busy: after the first few of their keys have landed.
  let landed = 0;
  let othersBusy: () => void = () => undefined;
  const eventsMayStart = new Promise<void>((resolve) => (othersBusy = resolve));
  const [answers] = await Promise.all([
    eventsMayStart.then(() => Promise.all(Array.from({ length: WRITERS }, () => postEvent(writing)))),
    Promise.all(
      Array.from({ length: WRITERS }, (_, i) =>
        addAttribute(`note_${i}`, `written by integration ${i}`, () => {
          if (++landed === 5) othersBusy();
        }),
      ),
    ),
  ]);

  const after = await currentAttributes();
  // Keys written by others: the task's own and the other integrations'.
  const theirs = [...Object.keys(before), ...Array.from({ length: WRITERS }, (_, i) => `note_${i}`)];
  const lost = theirs.filter((key) => !(key in after));
  const outcomes: Record<string, number> = {};
  for (const answer of answers) outcomes[answer.body.writeBack?.outcome] = (outcomes[answer.body.writeBack?.outcome] ?? 0) + 1;
  const conflicts = emulator.requests().filter((r) => r.operationId === 'UpdateTask' && r.status === 412).length;
  recordFigure('write-back: keys lost', `${lost.length} of ${theirs.length}`);
  recordFigure('write-back: outcomes of the concurrent events', JSON.stringify(outcomes));
  recordFigure('write-back: 412 conflicts answered during the race', conflicts);

  expect(answers.map((a) => a.status)).toEqual(answers.map(() => 200));
  expect(lost).toEqual([]);
  for (let i = 0; i < WRITERS; i += 1) expect(after[`note_${i}`]).toBe(`written by integration ${i}`);
  expect(after.enrichment).toMatchObject({ interactionSid: emulator.seededSid('Inbound SMS'), channel: { type: 'sms' } });
  // The writes really raced: If-Match turned some away.
  expect(conflicts).toBeGreaterThan(0);
  // One event wrote; every other found its summary already there or, if its
  // time ran out among so many writers, said so in a warning.
  expect(outcomes.written).toBe(1);
  const silent = answers.filter(
    (a) =>
      !['written', 'unchanged'].includes(a.body.writeBack?.outcome) &&
      !a.body.meta.warnings.some((w: { code: string }) => w.code === 'write_back_failed'),
  );
  expect(silent).toEqual([]);
}, 60_000);

test("a key another writer adds between the write-back's read and its write survives: the 412 is retried with a fresh read", async () => {
  await addAttribute('enrichment', 'stale');
  // Writes land 150 ms after they arrive, leaving a window between the function's read and its write.
  emulator.faults = { rules: [{ match: 'UpdateTask', latencyMs: 150 }] };
  emulator.clearRequests();
  const answer = postEvent(writing);
  while (!emulator.requests().some((r) => r.operationId === 'FetchTask')) await new Promise((resolve) => setTimeout(resolve, 2));
  const stored = emulator.store.find('task', event.TaskSid)!;
  emulator.store.updateTask(stored, {
    attributes: JSON.stringify({ ...JSON.parse(stored.attributes), between: 'the read and the write' }),
  });

  const { body } = await answer;
  emulator.faults = { rules: [] };
  expect(body.writeBack).toMatchObject({ outcome: 'written', rounds: 2 });
  expect(
    emulator
      .requests()
      .filter((r) => r.operationId === 'UpdateTask')
      .map((r) => r.status),
  ).toEqual([412, 200]);
  const after = await currentAttributes();
  expect(after.between).toBe('the read and the write');
  expect(after.enrichment).toMatchObject({ interactionSid: emulator.seededSid('Inbound SMS') });
});

test('a repeated event reads the task and writes nothing new', async () => {
  const answer = await postEvent(writing);
  expect(answer.body.writeBack).toMatchObject({ outcome: 'unchanged', key: 'enrichment', taskSid: event.TaskSid });
  expect(emulator.countByOperation()).toMatchObject({ FetchTask: 1 });
  expect(emulator.countByOperation().UpdateTask).toBeUndefined();
});

test('a summary someone changed is written again, keeping their other keys', async () => {
  await addAttribute('enrichment', 'overwritten by someone');
  const answer = await postEvent(writing);
  expect(answer.body.writeBack.outcome).toBe('written');
  const after = await currentAttributes();
  expect(after.enrichment).toMatchObject({ interactionSid: emulator.seededSid('Inbound SMS') });
  expect(after.note_0).toBe('written by integration 0');
});

describe("others' attributes and others' tasks", () => {
  /** The seeded task of an interaction, its attributes replaced by `attributes`, exactly as given. */
  function taskOf(label: string, attributes: string) {
    const interaction = emulator.store.find('interaction', emulator.seededSid(label))!;
    const task = emulator.store.find('task', interaction.primaryTaskSid)!;
    emulator.store.updateTask(task, { attributes });
    return task;
  }
  /** The attributes text as TaskRouter's API answers it. */
  async function attributesText(task: { sid: string; workspaceSid: string }): Promise<string> {
    const path = `/v1/Workspaces/${task.workspaceSid}/Tasks/${task.sid}`;
    return (await rawRequest(emulator.url, 'GET', path, { auth: asIntegration(), headers: TASKROUTER })).body.attributes;
  }
  const postFor = (interactionSid: string, task: { sid: string; workspaceSid: string }) =>
    requestEndpoint(writing.url, 'POST', '/webhooks/interaction', {
      form: { EventType: 'task.updated', InteractionSid: interactionSid, TaskSid: task.sid, WorkspaceSid: task.workspaceSid },
    });

  test('numbers a JavaScript parser cannot hold, and every other byte, stay as the other integration wrote them', async () => {
    const interactionSid = emulator.seededSid('WhatsApp asking');
    const others = `{ "flexInteractionSid": "${interactionSid}",\n  "crmId":12345678901234567890, "big": 1e400, "dup": 1, "dup": 2, "neg0": -0, "f": 1.50 }`;
    const task = taskOf('WhatsApp asking', others);

    const answer = await postFor(interactionSid, task);

    expect(answer.status).toBe(200);
    expect(answer.body.writeBack).toMatchObject({ outcome: 'written', taskSid: task.sid });
    const after = await attributesText(task);
    expect(after).toContain('"crmId":12345678901234567890');
    expect(after).toContain('"big": 1e400');
    const summary = JSON.stringify(JSON.parse(after).enrichment);
    expect(after).toBe(`${others.slice(0, -2)},"enrichment": ${summary} }`);
    expect(JSON.parse(summary)).toMatchObject({ interactionSid, channel: { type: 'whatsapp' } });
  });

  test("a task whose attributes name no interaction is another conversation's: nothing is written, and the answer warns", async () => {
    const others = '{"crmId":12345678901234567890,"note":"a task of another conversation"}';
    const task = taskOf('Web chat', others);
    emulator.clearRequests();

    const answer = await postFor(emulator.seededSid('WhatsApp asking'), task);

    expect(answer.status).toBe(200);
    expect(answer.body.writeBack).toMatchObject({ outcome: 'task_without_interaction', taskSid: task.sid });
    expect(answer.body.meta.warnings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'write_back_failed' })]));
    expect(emulator.countByOperation().UpdateTask).toBeUndefined();
    expect(await attributesText(task)).toBe(others);
  });
});
