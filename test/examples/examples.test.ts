import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { readSeedFile, seededInteractions } from '../../emulator/seed';
import schema from '../../schema/enriched-interaction.schema.json';
import type { EnrichedInteraction, TaskLike } from '@flex-interaction-enrichment/flex-client';
import { summaryOf } from '../../clients/flex/src/task-summary';
import * as plugin from '../../examples/flex-plugin/enriched-interaction';
import { payload } from '../client/fake-endpoint';
import { assertMatchesSchema } from '../support/schema';

/**
 * The examples under examples/ name fields of the answers; each name is read out of the example
 * itself and must exist in schema/enriched-interaction.schema.json, so an example cannot drift
 * from the payload. The Studio flow must also hold together as a Studio flow definition.
 */

const EXAMPLES = path.resolve(__dirname, '../../examples');
const INTERACTION_SID = 'KD4d24f04f80b984156895145f15f2a391';
const TRANSFER_SID = 'UX5c3bd1b1ad2e3a9e1a4d0f6b7a8c9d0e';
const read = (file: string) => readFileSync(path.join(EXAMPLES, file), 'utf8');

type SchemaNode = Record<string, any>;
const DEFS = schema.$defs as Record<string, SchemaNode>;
const ANSWERS = { payload: schema as SchemaNode, error: DEFS.error!, skipped: DEFS.skipped! };
type AnswerKind = keyof typeof ANSWERS;

function deref(node: SchemaNode): SchemaNode {
  return typeof node.$ref === 'string' ? deref(DEFS[node.$ref.replace('#/$defs/', '')]!) : node;
}

/** The schema of `segments` below `node` ('[]' steps into array items), with whether the last one is required; undefined when absent. */
function resolve(node: SchemaNode, segments: string[]): { node: SchemaNode; required: boolean } | undefined {
  let current = deref(node);
  let required = true;
  for (const segment of segments) {
    const alternatives = (current.oneOf ?? current.anyOf ?? [current]).map(deref);
    const step =
      segment === '[]'
        ? alternatives.find((alternative: SchemaNode) => alternative.items)
        : alternatives.find((alternative: SchemaNode) => alternative.properties?.[segment]);
    if (!step) return undefined;
    required = segment === '[]' || (step.required ?? []).includes(segment);
    current = deref(segment === '[]' ? step.items : step.properties[segment]);
  }
  return { node: current, required };
}

/** `a.b[0].c` as ['a', 'b', '[]', 'c']. */
const segmentsOf = (reference: string) =>
  reference
    .replace(/\[\d*\]/g, '.[]')
    .split('.')
    .filter(Boolean);

function expectKnown(references: string[], kinds: AnswerKind[]) {
  expect(references.length).toBeGreaterThan(0);
  const unknown = references.filter((reference) => kinds.every((kind) => !resolve(ANSWERS[kind], segmentsOf(reference))));
  expect(unknown).toEqual([]);
}

describe('resolving a reference in the schema (the check the examples rely on)', () => {
  test('finds fields through $ref, nullable oneOf and array items, and knows which are required', () => {
    expect(resolve(ANSWERS.payload, ['customer', 'name'])).toMatchObject({ required: true });
    expect(resolve(ANSWERS.payload, ['task', 'queueName'])).toMatchObject({ required: true });
    expect(resolve(ANSWERS.payload, ['channels', '[]', 'participants', '[]', 'sid'])).toMatchObject({ required: true });
    expect(resolve(ANSWERS.payload, ['channels'])).toMatchObject({ required: false });
    expect(resolve(ANSWERS.payload, ['channels', '[]', 'invites', '[]', 'queueName'])).toMatchObject({ required: true });
    expect(resolve(ANSWERS.payload, ['reservation', 'status'])).toMatchObject({ required: true });
    expect(resolve(ANSWERS.payload, ['transfer'])).toMatchObject({ required: false });
    expect(resolve(ANSWERS.error, ['error', 'code'])).toMatchObject({ required: true });
  });
  test('does not find what is not there', () => {
    expect(resolve(ANSWERS.payload, ['customer', 'fullName'])).toBeUndefined();
    expect(resolve(ANSWERS.payload, ['task', 'queue'])).toBeUndefined();
    expect(resolve(ANSWERS.payload, ['channel', 'type', 'name'])).toBeUndefined();
    expect(resolve(ANSWERS.payload, ['meta', '[]'])).toBeUndefined();
  });
});

describe('examples/studio-flow.json', () => {
  const flow = JSON.parse(read('studio-flow.json'));
  const states: SchemaNode[] = flow.states;
  const httpWidgets = states.filter((state) => state.type === 'make-http-request');

  test('is a Studio flow definition: states joined by transitions, from the trigger', () => {
    const ajv = new Ajv2020({ allErrors: true, strict: true });
    const named = { type: 'string', pattern: '^[A-Za-z0-9_]+$' };
    const validate = ajv.compile({
      type: 'object',
      additionalProperties: false,
      required: ['description', 'states', 'initial_state', 'flags'],
      properties: {
        description: { type: 'string' },
        initial_state: named,
        flags: { type: 'object', properties: { allow_concurrent_calls: { type: 'boolean' } } },
        states: {
          type: 'array',
          minItems: 2,
          items: {
            type: 'object',
            additionalProperties: false,
            required: ['name', 'type', 'transitions', 'properties'],
            properties: {
              name: named,
              type: { enum: ['trigger', 'make-http-request', 'split-based-on', 'set-variables'] },
              transitions: {
                type: 'array',
                items: {
                  type: 'object',
                  additionalProperties: false,
                  required: ['event'],
                  properties: {
                    event: { type: 'string' },
                    next: named,
                    conditions: {
                      type: 'array',
                      items: {
                        type: 'object',
                        additionalProperties: false,
                        required: ['friendly_name', 'arguments', 'type', 'value'],
                        properties: {
                          friendly_name: { type: 'string' },
                          arguments: { type: 'array', items: { type: 'string' } },
                          type: { type: 'string' },
                          value: { type: 'string' },
                        },
                      },
                    },
                  },
                },
              },
              properties: {
                type: 'object',
                required: ['offset'],
                properties: {
                  offset: { type: 'object', required: ['x', 'y'], properties: { x: { type: 'number' }, y: { type: 'number' } } },
                },
              },
            },
          },
        },
      },
    });
    expect(validate(flow) ? [] : validate.errors).toEqual([]);

    const names = states.map((state) => state.name);
    expect(new Set(names).size).toBe(names.length);
    const trigger = states.find((state) => state.name === flow.initial_state);
    expect(trigger?.type).toBe('trigger');
    const targets = states.flatMap((state) => state.transitions.map((transition: SchemaNode) => transition.next)).filter(Boolean);
    expect(targets.filter((target: string) => !names.includes(target))).toEqual([]);
    expect(names.filter((name: string) => name !== flow.initial_state && !targets.includes(name))).toEqual([]);
  });

  test('calls /studio/interaction with the Make HTTP Request widget, as a form with the InteractionSid', () => {
    expect(httpWidgets).toHaveLength(1);
    const { properties, transitions } = httpWidgets[0]!;
    expect(properties).toMatchObject({ method: 'POST', content_type: 'application/x-www-form-urlencoded;charset=utf-8' });
    expect(new URL(properties.url).pathname).toBe('/studio/interaction');
    expect(properties.parameters).toEqual(expect.arrayContaining([{ key: 'InteractionSid', value: '{{flow.data.InteractionSid}}' }]));
    expect(transitions.map((transition: SchemaNode) => transition.event).sort()).toEqual(['failed', 'success']);
  });

  test('branches with Split Based On on the channel type, on values the channel type takes', () => {
    const widget = httpWidgets[0]!.name;
    const split = states.find((state) => state.type === 'split-based-on')!;
    const channelType = `{{widgets.${widget}.parsed.channel.type}}`;
    expect(split.properties.input).toBe(channelType);
    const conditions = split.transitions.flatMap((transition: SchemaNode) => transition.conditions ?? []);
    expect(conditions.length).toBeGreaterThanOrEqual(3);
    const seededTypes = new Set(seededInteractions(readSeedFile()).map((seeded) => seeded.channelType));
    for (const condition of conditions) {
      expect(condition).toMatchObject({ arguments: [channelType], type: 'equal_to' });
      expect(seededTypes).toContain(condition.value);
    }
    expect(split.transitions.map((transition: SchemaNode) => transition.event)).toContain('noMatch');
  });

  test('every widgets.NAME.parsed field it names exists in the payload or the error envelope', () => {
    const text = JSON.stringify(flow);
    const references = [...text.matchAll(/widgets\.(\w+)\.parsed\.([\w.[\]]+)/g)].map(([, widget, reference]) => {
      expect(httpWidgets.map((state) => state.name)).toContain(widget);
      return reference!;
    });
    expect(references).toEqual(expect.arrayContaining(['channel.type', 'customer.name', 'task.queueName', 'error.code']));
    expectKnown(references, ['payload', 'error']);
  });
});

describe('examples/flex-plugin/enriched-interaction.ts', () => {
  const SNIPPET = path.join(EXAMPLES, 'flex-plugin/enriched-interaction.ts');
  const GENERATED = path.resolve(__dirname, '../../clients/flex/src/generated/enriched-interaction.ts');

  /**
   * Every field of the answer the snippet reads, found by the type checker: each property access or destructured
   * property whose declaration is in the client's generated types, as a path from the interface that declares it
   * (`ChannelSummary: invites[].queueName`).
   */
  function fieldsRead(): Array<{ root: string; reference: string }> {
    const { options } = ts.getParsedCommandLineOfConfigFile(
      path.resolve(__dirname, '../../tsconfig.json'),
      {},
      ts.sys as unknown as ts.ParseConfigFileHost,
    )!;
    const program = ts.createProgram([SNIPPET], options);
    const checker = program.getTypeChecker();
    const fields = new Map<string, { root: string; reference: string }>();
    const record = (symbol: ts.Symbol | undefined) => {
      for (const declaration of symbol?.declarations ?? []) {
        if (path.resolve(declaration.getSourceFile().fileName) !== GENERATED) continue;
        const segments: string[] = [];
        let node: ts.Node = declaration;
        for (; !ts.isInterfaceDeclaration(node); node = node.parent) {
          if (ts.isPropertySignature(node)) segments.unshift(node.name.getText());
          else if (ts.isArrayTypeNode(node)) segments.unshift('[]');
        }
        const field = { root: node.name.text, reference: segments.join('.').replace(/\.\[\]/g, '[]') };
        fields.set(`${field.root}: ${field.reference}`, field);
      }
    };
    const visit = (node: ts.Node) => {
      if (ts.isPropertyAccessExpression(node)) record(checker.getSymbolAtLocation(node.name));
      if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
        const name = (node.propertyName ?? node.name).getText();
        record(checker.getTypeAtLocation(node.parent).getProperty(name));
      }
      ts.forEachChild(node, visit);
    };
    visit(program.getSourceFile(SNIPPET)!);
    return [...fields.values()];
  }

  /** The schema node an interface of the generated types was made from. */
  const schemaOf = (root: string): SchemaNode | undefined =>
    root === 'EnrichedInteraction'
      ? ANSWERS.payload
      : root === 'ErrorEnvelope'
        ? ANSWERS.error
        : DEFS[root[0]!.toLowerCase() + root.slice(1)];

  test('every field of the answer it reads, found by the type checker, exists in the schema', () => {
    const fields = fieldsRead();
    expect(fields.map(({ root, reference }) => `${root}: ${reference}`)).toEqual(
      expect.arrayContaining([
        'EnrichedInteraction: customer.name',
        'EnrichedInteraction: transfer',
        'ChannelSummary: invites[].queueName',
      ]),
    );
    const unknown = fields.filter(({ root, reference }) => !schemaOf(root) || !resolve(schemaOf(root)!, segmentsOf(reference)));
    expect(unknown).toEqual([]);
  });

  /** The snippet wired to a fake Flex: what it posts (fetch stubbed) and renders when an agent accepts `task`. */
  async function accept(task: { attributes: Record<string, unknown> }, answer: EnrichedInteraction) {
    const posted: Array<{ url: string; body: unknown }> = [];
    const rendered: string[] = [];
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (url, init) => {
      posted.push({ url: String(url), body: JSON.parse(String(init?.body)) });
      return new Response(JSON.stringify(answer), { status: 200, headers: { 'Content-Type': 'application/json' } });
    });
    let onAccept: ((payload: { task: TaskLike }) => unknown) | undefined;
    const flex = { Actions: { addListener: (_event: string, listener: typeof onAccept) => (onAccept = listener) } };
    const manager = { store: { getState: () => ({ flex: { session: { ssoTokenPayload: { token: 'flex-token' } } } }) } };
    try {
      plugin.showEnrichmentOnAccept(flex, manager, (line) => rendered.push(line));
      await onAccept!({ task });
    } finally {
      fetchSpy.mockRestore();
    }
    return { posted, rendered };
  }

  /** ENRICHMENT_URL's /interaction, its host lower-cased as a URL has it. */
  const URL_SENT = 'https://your-service-1234.twil.io/interaction';
  const invite = (queueName: string, assignmentStatus: string) => ({
    ...{ sid: null, taskSid: null, queueSid: null, workflowSid: null, workflowName: null },
    ...{ queueName, assignmentStatus },
  });
  const channel = () => ({
    sid: 'UO5a1c2c9c3b0e4f7d8e9f0a1b2c3d4e5f',
    type: 'chat',
    status: 'active',
    errorCode: null,
    errorMessage: null,
  });
  const TRANSFER = {
    ...{ sid: TRANSFER_SID, channelSid: null, type: 'warm', status: 'active', fromParticipantSid: null, to: null },
    ...{ noteSid: null, summarySid: null, dateCreated: null, dateUpdated: null },
  };
  const withInvites = (): EnrichedInteraction => ({
    ...payload(INTERACTION_SID),
    channels: [{ ...channel(), invites: [invite('Card Services', 'completed'), invite('Fraud Prevention', 'pending')] }],
  });

  test('on an accepted task without a written summary, posts the agent token for the interaction, then for its invites', async () => {
    const { posted, rendered } = await accept({ attributes: { flexInteractionSid: INTERACTION_SID } }, withInvites());
    expect(posted).toEqual([
      { url: URL_SENT, body: { Token: 'flex-token', InteractionSid: INTERACTION_SID, include: '' } },
      { url: URL_SENT, body: { Token: 'flex-token', InteractionSid: INTERACTION_SID, include: 'channels,invites' } },
    ]);
    expect(rendered).toEqual(['Priya Raman on sms', 'Waiting in Fraud Prevention']);
  });

  test("with the webhook's fresh summary in the task, renders it without asking, and asks only for the invites", async () => {
    const answer = withInvites();
    const enrichment = {
      ...summaryOf(answer),
      customer: { ...answer.customer, name: 'Omar Haddad' },
      channel: { sid: null, type: 'whatsapp' },
    };
    const { posted, rendered } = await accept({ attributes: { flexInteractionSid: INTERACTION_SID, enrichment } }, answer);
    expect(posted.map(({ body }) => body)).toEqual([{ Token: 'flex-token', InteractionSid: INTERACTION_SID, include: 'channels,invites' }]);
    expect(rendered).toEqual(['Omar Haddad on whatsapp', 'Waiting in Fraud Prevention']);
  });

  test('its handover badge names an active transfer, else the queues where an invite waits, else nothing', () => {
    const answer = withInvites();
    expect(plugin.handoverBadge(answer)).toBe('Waiting in Fraud Prevention');
    const transfer = { ...TRANSFER, status: 'active' };
    expect(plugin.handoverBadge({ ...answer, transfer })).toBe('Transfer in progress (warm)');
    expect(plugin.handoverBadge({ ...answer, transfer: { ...transfer, status: 'completed' } })).toBe('Waiting in Fraud Prevention');
    expect(plugin.handoverBadge({ ...answer, channels: [{ ...channel(), invites: [invite('Card Services', 'assigned')] }] })).toBeNull();
    expect(plugin.handoverBadge({ ...answer, channels: null, transfer: null })).toBeNull();
  });
});

describe('examples/taskrouter-event-callback.md', () => {
  const markdown = read('taskrouter-event-callback.md');

  test('every answer field it names ($.path) exists in what /webhooks/interaction answers', () => {
    const references = [...markdown.matchAll(/`\$\.([\w.[\]]+)`/g)].map(([, reference]) => reference!);
    expect(references).toEqual(expect.arrayContaining(['writeBack.outcome', 'meta.warnings', 'channels[].invites[].queueName']));
    expectKnown(references, ['payload', 'skipped']);
  });

  test('its example answer is a valid skipped-event answer', () => {
    const blocks = [...markdown.matchAll(/```json\n([\s\S]*?)```/g)].map(([, body]) => JSON.parse(body!));
    expect(blocks).toHaveLength(1);
    assertMatchesSchema('skipped', blocks[0]);
  });

  test('points the Workspace callback at /webhooks/interaction for task.created', () => {
    expect(markdown).toContain('https://YOUR-SERVICE-1234.twil.io/webhooks/interaction');
    expect(markdown).toMatch(/--events-filter task\.created/);
  });
});
