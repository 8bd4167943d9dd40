import Ajv2020 from 'ajv/dist/2020';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import ts from 'typescript';
import { readSeedFile, seededInteractions } from '../../emulator/seed';
import schema from '../../schema/enriched-interaction.schema.json';
import * as plugin from '../../examples/flex-plugin/enriched-interaction';
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
  const source = ts.createSourceFile('enriched-interaction.ts', read('flex-plugin/enriched-interaction.ts'), ts.ScriptTarget.ES2022, true);

  /** Every property path an interface declares, with whether it is optional (`?`). */
  function declaredFields(interfaceName: string): Array<{ reference: string; optional: boolean }> {
    const declaration = source.statements.find(
      (statement): statement is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(statement) && statement.name.text === interfaceName,
    );
    if (!declaration) throw new Error(`the example declares no interface ${interfaceName}`);
    const fields: Array<{ reference: string; optional: boolean }> = [];
    const visitType = (type: ts.TypeNode, prefix: string) => {
      if (ts.isTypeLiteralNode(type)) visitMembers(type.members, prefix);
      else if (ts.isUnionTypeNode(type)) type.types.forEach((member) => visitType(member, prefix));
      else if (ts.isArrayTypeNode(type)) visitType(type.elementType, `${prefix}[]`);
      else if (ts.isTypeReferenceNode(type) && type.typeName.getText() === 'Array') visitType(type.typeArguments![0]!, `${prefix}[]`);
    };
    const visitMembers = (members: ts.NodeArray<ts.TypeElement>, prefix: string) => {
      for (const member of members) {
        if (!ts.isPropertySignature(member) || !member.type) continue;
        const reference = `${prefix}${prefix ? '.' : ''}${member.name.getText()}`;
        fields.push({ reference, optional: member.questionToken !== undefined });
        visitType(member.type, reference);
      }
    };
    visitMembers(declaration.members, '');
    return fields;
  }

  test.each([
    ['EnrichedInteraction', 'payload'],
    ['EnrichmentErrorBody', 'error'],
  ] as const)(
    'every field of its %s interface exists in the %s schema, and what it does not mark optional is required there',
    (name, kind) => {
      const fields = declaredFields(name);
      expectKnown(
        fields.map((field) => field.reference),
        [kind],
      );
      const notAlwaysThere = fields.filter((field) => !field.optional && !resolve(ANSWERS[kind], segmentsOf(field.reference))!.required);
      expect(notAlwaysThere).toEqual([]);
    },
  );

  test('reads the agent token from the Flex session and posts it as Token with InteractionSid to /interaction', () => {
    const code = source.getFullText();
    expect(code).toContain('manager.store.getState().flex.session.ssoTokenPayload?.token');
    expect(code).toMatch(/JSON\.stringify\(\{ Token: [^,]+, InteractionSid: interactionSid, include, \.\.\.transfer \}\)/);
    expect(new URL(/const ENRICHMENT_URL = '([^']+)'/.exec(code)![1]!).pathname).toBe('/interaction');
  });

  test('asks for participants and invites unless told, and sends a TransferSid only when given one', async () => {
    const posted: unknown[] = [];
    const fetchSpy = jest.spyOn(globalThis, 'fetch').mockImplementation(async (_url, init) => {
      posted.push(JSON.parse(String(init?.body)));
      return new Response(JSON.stringify({ customer: { name: 'Omar Haddad' } }));
    });
    try {
      const manager = { store: { getState: () => ({ flex: { session: { ssoTokenPayload: { token: 'flex-token' } } } }) } };
      await plugin.fetchEnrichedInteraction(manager, INTERACTION_SID);
      await plugin.fetchEnrichedInteraction(manager, INTERACTION_SID, 'all', TRANSFER_SID);
    } finally {
      fetchSpy.mockRestore();
    }
    expect(posted).toEqual([
      { Token: 'flex-token', InteractionSid: INTERACTION_SID, include: 'participants,invites' },
      { Token: 'flex-token', InteractionSid: INTERACTION_SID, include: 'all', TransferSid: TRANSFER_SID },
    ]);
  });

  test('its handover badge names an active transfer, else the queues where an invite waits, else nothing', () => {
    const enriched = (parts: Partial<plugin.EnrichedInteraction>) => ({ channels: null, ...parts }) as plugin.EnrichedInteraction;
    const invite = (queueName: string, assignmentStatus: string) => ({ taskSid: null, queueName, assignmentStatus });
    const channels = [
      { type: 'chat', status: 'active', invites: [invite('Card Services', 'completed'), invite('Fraud Prevention', 'pending')] },
    ];
    expect(plugin.handoverBadge(enriched({ channels }))).toBe('Waiting in Fraud Prevention');
    const transfer = { type: 'warm', status: 'active', to: null };
    expect(plugin.handoverBadge(enriched({ channels, transfer }))).toBe('Transfer in progress (warm)');
    expect(plugin.handoverBadge(enriched({ channels, transfer: { ...transfer, status: 'completed' } }))).toBe(
      'Waiting in Fraud Prevention',
    );
    expect(plugin.handoverBadge(enriched({ channels: [{ ...channels[0]!, invites: [invite('Card Services', 'assigned')] }] }))).toBeNull();
    expect(plugin.handoverBadge(enriched({ transfer: null }))).toBeNull();
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
