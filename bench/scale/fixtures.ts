/**
 * What a row needs before it starts, made outside the measured time: the emulator as it started (so no row inherits
 * another's interactions, tasks or log), one new interaction per task, created through the Flex Interactions API with
 * rate limits off (the row turns them on), and the agents' Flex tokens, new ones, so that no container remembers them from an earlier row.
 */
import { readSeedFile } from '../../emulator/seed';
import { redirectedTwilioClient, type EmulatorProcess } from '../../harness';
import type { Scenario } from './scenario';
import type { TaskFixture } from './tasks';

/** Creates in flight at once: enough to make a few hundred interactions in about a second. */
const CREATE_CONCURRENCY = 16;

export interface RowFixtures {
  tasks: TaskFixture[];
  tokens: string[];
}

export async function prepareRow(emulator: EmulatorProcess, scenario: Scenario, taskCount: number): Promise<RowFixtures> {
  await emulator.reset();
  await emulator.setRateLimits(null);
  const workspaceSid = readSeedFile().workspace.sid;
  // One attempt: a create that timed out may have happened, and a retry would make a second interaction.
  const { client } = redirectedTwilioClient({
    username: emulator.accountSid,
    password: emulator.authToken,
    baseUrl: emulator.url,
    policy: { maxAttempts: 1 },
  });
  const create = async (task: number): Promise<TaskFixture> => {
    const interaction = await client.flexApi.v1.interaction.create({
      channel: {
        type: scenario.channelType,
        initiated_by: 'customer',
        participants: [{ address: `+1415555${String(task).padStart(4, '0')}`, name: `Customer ${task}` }],
      },
      routing: { properties: { workspace_sid: workspaceSid } },
    });
    const routed = (interaction.routing as { properties?: { sid?: string; workspace_sid?: string } }).properties;
    if (!routed?.sid || !routed.workspace_sid) throw new Error(`interaction ${interaction.sid} was created without a task`);
    return { interactionSid: interaction.sid, taskSid: routed.sid, workspaceSid: routed.workspace_sid };
  };
  const tasks: TaskFixture[] = new Array(taskCount);
  let next = 0;
  const worker = async () => {
    while (next < taskCount) {
      const index = next++;
      tasks[index] = await create(index);
    }
  };
  await Promise.all(Array.from({ length: Math.min(CREATE_CONCURRENCY, taskCount) }, worker));
  const tokens = await Promise.all(Array.from({ length: scenario.agents }, () => emulator.mintFlexToken()));
  return { tasks, tokens };
}
