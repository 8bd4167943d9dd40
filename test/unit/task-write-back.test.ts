import { Deadline } from '../../src/core/deadline';
import { writeBackToTask } from '../../src/core/task-write-back';
import type { TaskResource, TwilioGateway } from '../../src/core/twilio/twilio-gateway';

/** A task that someone else rewrites before every write of ours (or not at all). */
function busyTask(options: { othersWriteFirst: boolean }) {
  let revision = 0;
  let attributes = JSON.stringify({ theirs: 0 });
  const writes: string[] = [];
  const gateway = {
    fetchTask: async () => ({ sid: 'WT1', workspaceSid: 'WS1', attributes, etag: `"${revision}"` }) as TaskResource,
    updateTaskAttributes: async (_ws: string, _task: string, next: string, etag: string) => {
      if (options.othersWriteFirst) {
        revision += 1;
        attributes = JSON.stringify({ ...JSON.parse(attributes), theirs: revision });
      }
      if (etag !== `"${revision}"`) return 'conflict' as const;
      writes.push(next);
      attributes = next;
      revision += 1;
      return 'updated' as const;
    },
  } as unknown as TwilioGateway;
  return { gateway, writes, attributes: () => JSON.parse(attributes) };
}

const summary = { interactionSid: 'KD1' };

test('a free task is written in one round, merged into what is there', async () => {
  const task = busyTask({ othersWriteFirst: false });
  const result = await writeBackToTask({
    ...task,
    workspaceSid: 'WS1',
    taskSid: 'WT1',
    key: 'enrichment',
    summary,
    deadline: Deadline.in(1000),
  });
  expect(result).toEqual({ outcome: 'written', key: 'enrichment', taskSid: 'WT1', rounds: 1 });
  expect(task.attributes()).toEqual({ theirs: 0, enrichment: summary });
});

test('a task someone always writes first: rounds go on until the deadline is near, then it gives up without writing', async () => {
  const task = busyTask({ othersWriteFirst: true });
  const deadline = Deadline.in(400);
  const result = await writeBackToTask({ ...task, workspaceSid: 'WS1', taskSid: 'WT1', key: 'enrichment', summary, deadline });
  expect(result.outcome).toBe('gave_up');
  expect(result.rounds).toBeGreaterThan(3);
  expect(deadline.remaining()).toBeGreaterThan(0);
  expect(task.writes).toEqual([]);
});

test('a task whose flexInteractionSid names another interaction is never written to', async () => {
  const writes: string[] = [];
  const gateway = {
    fetchTask: async () => ({ sid: 'WT1', workspaceSid: 'WS1', attributes: JSON.stringify({ flexInteractionSid: 'KD2' }), etag: '"0"' }),
    updateTaskAttributes: async (_ws: string, _task: string, next: string) => {
      writes.push(next);
      return 'updated' as const;
    },
  } as unknown as TwilioGateway;
  const result = await writeBackToTask({
    gateway,
    workspaceSid: 'WS1',
    taskSid: 'WT1',
    key: 'enrichment',
    summary,
    deadline: Deadline.in(1000),
  });
  expect(result.outcome).toBe('other_interaction');
  expect(writes).toEqual([]);
});
