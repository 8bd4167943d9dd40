import fc from 'fast-check';
import { Deadline } from '../../src/core/deadline';
import type { EnrichedInteraction } from '../../src/core/payload';
import { writeBackSummary, writeBackToTask } from '../../src/core/task-write-back';
import type { TaskResource, TwilioGateway } from '../../src/core/twilio/twilio-gateway';

/** A task that someone else rewrites before every write of ours (or not at all). */
function busyTask(options: { othersWriteFirst: boolean }) {
  let revision = 0;
  let attributes = JSON.stringify({ flexInteractionSid: 'KD1', theirs: 0 });
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
  expect(task.attributes()).toEqual({ flexInteractionSid: 'KD1', theirs: 0, enrichment: summary });
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

/** A task that stores its attributes as text and records every text written to it. */
function taskHolding(attributes: string, { written = summary, etag = '"0"' as string | null } = {}) {
  const writes: string[] = [];
  const gateway = {
    fetchTask: async () => ({ sid: 'WT1', workspaceSid: 'WS1', attributes, etag }),
    updateTaskAttributes: async (_ws: string, _task: string, next: string) => {
      writes.push(next);
      return 'updated' as const;
    },
  } as unknown as TwilioGateway;
  const writeBack = () =>
    writeBackToTask({ gateway, workspaceSid: 'WS1', taskSid: 'WT1', key: 'enrichment', summary: written, deadline: Deadline.in(1000) });
  return { writeBack, writes };
}

test('a task read without an ETag is never written: without If-Match, the write could undo what others wrote since', async () => {
  const task = taskHolding('{"flexInteractionSid":"KD1"}', { etag: null });
  expect(await task.writeBack()).toEqual({ outcome: 'gave_up', key: 'enrichment', taskSid: 'WT1', rounds: 1 });
  expect(task.writes).toEqual([]);
});

test('a task whose attributes carry no flexInteractionSid belongs to no known interaction and is never written to', async () => {
  for (const attributes of ['{"crmId":42}', '{"flexInteractionSid":null}', '{"flexInteractionSid":""}', '{}', '']) {
    const task = taskHolding(attributes);
    expect((await task.writeBack()).outcome).toBe('task_without_interaction');
    expect(task.writes).toEqual([]);
  }
});

test('a task naming this interaction in one flexInteractionSid and another in a duplicate is never written to', async () => {
  for (const attributes of [
    '{"flexInteractionSid":"KD2","flexInteractionSid":"KD1"}',
    '{"flexInteractionSid":"KD1","flexInteractionSid":"KD2"}',
  ]) {
    const task = taskHolding(attributes);
    expect((await task.writeBack()).outcome).toBe('other_interaction');
    expect(task.writes).toEqual([]);
  }
});

test('attributes that are JSON only to a lenient parser (comments, trailing commas) are not JSON', async () => {
  for (const attributes of [
    '{"flexInteractionSid":"KD1",}',
    '{"flexInteractionSid":"KD1" /* note */}',
    '[]',
    '"text"',
    '{"flexInteractionSid":"KD1"} x',
  ]) {
    const task = taskHolding(attributes);
    expect((await task.writeBack()).outcome).toBe('attributes_not_json');
    expect(task.writes).toEqual([]);
  }
});

describe('the summary says when its facts were read, and that time alone is no change', () => {
  const readAt = (fetchedAt: string) => ({ interactionSid: 'KD1', channel: { type: 'sms' }, fetchedAt });

  test("the summary carries the payload's meta.fetchedAt, for readers to judge its age", () => {
    const payload = {
      interaction: { sid: 'KD1' },
      channel: { sid: null, type: 'sms' },
      customer: { name: 'Priya' },
      conversation: { sid: 'CH1', direction: 'inbound', initiatedBy: 'customer' },
      task: { queueName: 'Billing' },
      meta: { fetchedAt: '2026-11-25T09:42:05.274Z' },
    } as unknown as EnrichedInteraction;
    expect(writeBackSummary(payload)).toMatchObject({ interactionSid: 'KD1', queueName: 'Billing', fetchedAt: '2026-11-25T09:42:05.274Z' });
  });

  test('the same facts read later are not written again: the first fetchedAt stays', async () => {
    const there = JSON.stringify(readAt('2026-11-25T09:00:00.000Z'));
    const task = taskHolding(`{"flexInteractionSid":"KD1","enrichment":${there}}`, { written: readAt('2026-11-25T09:05:00.000Z') });
    expect((await task.writeBack()).outcome).toBe('unchanged');
    expect(task.writes).toEqual([]);
  });

  test('other facts are written, with the time they were read', async () => {
    const there = JSON.stringify({ ...readAt('2026-11-25T09:00:00.000Z'), channel: { type: 'email' } });
    const task = taskHolding(`{"flexInteractionSid":"KD1","enrichment":${there}}`, { written: readAt('2026-11-25T09:05:00.000Z') });
    expect((await task.writeBack()).outcome).toBe('written');
    expect(JSON.parse(task.writes[0]!).enrichment).toEqual(readAt('2026-11-25T09:05:00.000Z'));
  });
});

describe('the text outside the write-back key is kept byte for byte', () => {
  const written = JSON.stringify(summary);
  const cases: Array<[string, string]> = [
    [
      'numbers JSON.parse cannot hold, duplicate keys and -0',
      '{"flexInteractionSid":"KD1","crmId":12345678901234567890,"big":1e400,"dup":1,"dup":2,"neg0":-0,"f":1.50}',
    ],
    ['nested objects with their own duplicates', '{"flexInteractionSid":"KD1","crm":{"id":1.0E+2,"id":3,"tags":[1e-7,{"x":[]}]}}'],
    ['unicode escapes, in keys and values', '{"flexInteractionSid":"KD1","na\\u006De":"Jos\\u00e9 \\ud83d\\ude00","raw":"José 😀"}'],
    ['whitespace and line breaks between members', '\n{\n  "flexInteractionSid" : "KD1",\r\n\t"crmId":  12345678901234567890 \n}\n'],
  ];
  test.each(cases)('%s: the summary is added after the last member', async (_name, attributes) => {
    const task = taskHolding(attributes);
    expect((await task.writeBack()).outcome).toBe('written');
    const end = attributes.lastIndexOf('}');
    const last = attributes.slice(0, end).trimEnd().length;
    expect(task.writes).toEqual([`${attributes.slice(0, last)},"enrichment": ${written}${attributes.slice(last)}`]);
  });

  test('a stale summary is replaced where it stands, the members around it untouched', async () => {
    const task = taskHolding('{ "a": 1.10, "enrichment" : {"interactionSid":"KD0"} ,"flexInteractionSid":"KD1" }');
    expect((await task.writeBack()).outcome).toBe('written');
    expect(task.writes).toEqual([`{ "a": 1.10, "enrichment" : ${written} ,"flexInteractionSid":"KD1" }`]);
  });

  test('a summary that is there, however it is spaced, is not written again', async () => {
    const task = taskHolding('{"flexInteractionSid":"KD1","big":1e400, "enrichment": { "interactionSid" : "KD1" } }');
    expect((await task.writeBack()).outcome).toBe('unchanged');
    expect(task.writes).toEqual([]);
  });

  test('a write-back key that appears twice gets the summary in both places, so every reader sees the same one', async () => {
    const task = taskHolding('{"enrichment":{"interactionSid":"KD0"},"flexInteractionSid":"KD1","\\u0065nrichment":"stale"}');
    expect((await task.writeBack()).outcome).toBe('written');
    expect(task.writes).toEqual([`{"enrichment":${written},"flexInteractionSid":"KD1","\\u0065nrichment":${written}}`]);
  });

  test('a write-back key that appears twice with the summary only in one place is written', async () => {
    const task = taskHolding(`{"enrichment":"stale","flexInteractionSid":"KD1","enrichment":${written}}`);
    expect((await task.writeBack()).outcome).toBe('written');
    expect(task.writes).toEqual([`{"enrichment":${written},"flexInteractionSid":"KD1","enrichment":${written}}`]);
  });
});

describe('property: after a write-back, taking the summary out gives back the attributes as they were', () => {
  const space = fc.constantFrom('', ' ', '  ', '\n', '\t', '\r\n', '\n    ');
  const numberText = fc.stringMatching(/^-?(0|[1-9]\d{0,30})(\.\d{1,12})?([eE][+-]?\d{1,4})?$/);
  const escaped = (text: string) =>
    `"${text
      .split('')
      .map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`)
      .join('')}"`;
  const stringText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 8 }).map((text) => JSON.stringify(text)),
    fc.string({ unit: 'binary', maxLength: 4 }).map(escaped),
  );
  // Other integrations' keys, some of them repeated.
  const keyText = fc.oneof(fc.constantFrom('"dup"', '"crmId"', '"a"'), stringText).filter((text) => {
    const key: unknown = JSON.parse(text);
    return key !== 'enrichment' && key !== 'flexInteractionSid';
  });
  const member = (value: fc.Arbitrary<string>) =>
    fc.tuple(space, keyText, space, space, value, space).map(([a, key, b, c, v, d]) => `${a}${key}${b}:${c}${v}${d}`);
  const listed = (items: string[], empty: string) => (items.length ? items.join(',') : empty);
  const { value } = fc.letrec<{ value: string; array: string; object: string }>((tie) => ({
    value: fc.oneof({ maxDepth: 3 }, numberText, stringText, fc.constantFrom('true', 'false', 'null'), tie('array'), tie('object')),
    array: fc.tuple(fc.array(fc.tuple(space, tie('value'), space), { maxLength: 3 }), space).map(
      ([items, empty]) =>
        `[${listed(
          items.map(([a, v, b]) => a + v + b),
          empty,
        )}]`,
    ),
    object: fc.tuple(fc.array(member(tie('value')), { maxLength: 3 }), space).map(([members, empty]) => `{${listed(members, empty)}}`),
  }));
  // A task's attributes: other members around this interaction's flexInteractionSid, spaced anyhow.
  const attributesText = fc
    .tuple(space, fc.array(member(value), { maxLength: 6 }), fc.nat(), space, space, space)
    .map(([outside, others, at, a, b, end]) => {
      const members = [...others];
      members.splice(at % (others.length + 1), 0, `${a}"flexInteractionSid":${b}"KD1"`);
      return `${outside}{${members.join(',')}${end}}${outside}`;
    });

  test('the attributes text is kept whole and the summary is one member more', async () => {
    await fc.assert(
      fc.asyncProperty(attributesText, async (attributes) => {
        expect(() => JSON.parse(attributes)).not.toThrow();
        const task = taskHolding(attributes);
        expect((await task.writeBack()).outcome).toBe('written');
        const [merged] = task.writes as [string];
        // Where the texts part, the summary was inserted; what follows it is the old text to its end.
        let at = 0;
        while (merged[at] === attributes[at]) at += 1;
        const inserted = merged.slice(at, at + merged.length - attributes.length);
        expect(merged.slice(at + inserted.length)).toBe(attributes.slice(at));
        expect(inserted.startsWith(',')).toBe(true);
        expect(JSON.parse(`{${inserted.slice(1)}}`)).toEqual({ enrichment: summary });
      }),
    );
  });
});
