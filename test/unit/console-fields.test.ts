import path from 'node:path';
import ts from 'typescript';
import { payloadFields, type SchemaNode } from '../../scripts/generate-docs';
import schema from '../../schema/enriched-interaction.schema.json';

/**
 * The local console's card (src/assets/console/console.protected.ts) shows an answer next to its raw JSON. A new
 * top-level field of the payload must not go unnoticed there: each one is either read by the card's code or listed
 * below with the reason the card leaves it to the raw answer. Reading is found with TypeScript's checker: an access to
 * a property of EnrichedInteraction (src/core/payload.ts), by `.` or by destructuring.
 */

const NOT_ON_THE_CARD: Record<string, string> = {
  writeBack:
    'Only /webhooks/interaction with WEBHOOK_WRITE_BACK=true answers with it, a setting for the TaskRouter callbacks of a ' +
    'deployed Service; when a local .env sets it, the raw answer beside the card shows the outcome.',
};

const ROOT = path.resolve(__dirname, '../..');
const CONSOLE = path.join(ROOT, 'src/assets/console/console.protected.ts');
const PAYLOAD = path.join(ROOT, 'src/core/payload.ts');

const config = ts.getParsedCommandLineOfConfigFile(path.join(ROOT, 'tsconfig.json'), {}, ts.sys as unknown as ts.ParseConfigFileHost)!;
/** The check's own sample, type-checked with the card in one program (one load of the DOM's types). */
const SAMPLE = ts.createSourceFile(
  path.join(path.dirname(CONSOLE), 'reading-check-sample.ts'),
  `import type { EnrichedInteraction } from '../../core/payload';
   export const shown = (payload: EnrichedInteraction, partial: Partial<EnrichedInteraction>) => {
     const { customer, meta: m } = payload;
     return [customer.name, m.requestId, payload.channel.type, partial.liveTask, payload.interaction];
   };`,
  ts.ScriptTarget.ES2022,
  true,
);
// The card needs only the DOM's types, not those of Node.js or jest.
const options = { ...config.options, types: [] };
const program = ts.createProgram({ rootNames: [CONSOLE, SAMPLE.fileName], options, host: hostWith(SAMPLE) });
const card = program.getSourceFile(CONSOLE)!;

/** The properties of EnrichedInteraction that `source`, a file of `within`, reads. */
function payloadPropertiesRead(within: ts.Program, source: ts.SourceFile): Set<string> {
  const checker = within.getTypeChecker();
  const payload = within.getSourceFile(PAYLOAD)!;
  const declaration = payload.statements.find(
    (statement): statement is ts.InterfaceDeclaration =>
      ts.isInterfaceDeclaration(statement) && statement.name.text === 'EnrichedInteraction',
  )!;
  const members = new Map(declaration.members.map((member) => [checker.getSymbolAtLocation(member.name!), member.name!.getText(payload)]));
  const read = new Set<string>();
  const note = (symbol: ts.Symbol | undefined) => {
    for (const root of symbol ? checker.getRootSymbols(symbol) : []) {
      const name = members.get(root);
      if (name) read.add(name);
    }
  };
  const visit = (node: ts.Node) => {
    if (ts.isPropertyAccessExpression(node)) note(checker.getSymbolAtLocation(node.name));
    if (ts.isBindingElement(node) && ts.isObjectBindingPattern(node.parent)) {
      const name = (node.propertyName ?? node.name).getText(source);
      note(checker.getPropertyOfType(checker.getTypeAtLocation(node.parent), name));
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return read;
}

/** The field paths the card names as string literals: `fact(label, 'task.queueName', ...)`, `'data-field'` and `title`. */
function fieldPathsNamed(source: ts.SourceFile): string[] {
  const paths: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isCallExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === 'fact') {
      const field = node.arguments[1];
      if (field && ts.isStringLiteral(field)) paths.push(field.text);
    }
    if (ts.isPropertyAssignment(node) && ['data-field', 'title'].includes(node.name.getText(source).replace(/'/g, ''))) {
      if (ts.isStringLiteral(node.initializer)) paths.push(node.initializer.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return paths;
}

const topLevel = Object.keys(schema.properties);

test('the reading check finds what a file reads, by `.` and by destructuring, through Partial (a check of the check)', () => {
  const read = payloadPropertiesRead(program, program.getSourceFile(SAMPLE.fileName)!);
  expect([...read].sort()).toEqual(['channel', 'customer', 'interaction', 'liveTask', 'meta']);
});

test('every top-level field of the payload is read by the card, or listed in NOT_ON_THE_CARD with a reason', () => {
  const read = payloadPropertiesRead(program, card);
  const undecided = topLevel.filter((field) => !read.has(field) && !(field in NOT_ON_THE_CARD));
  if (undecided.length > 0)
    throw new Error(
      `The console's card does not show ${undecided.join(', ')}: show it in src/assets/console/console.protected.ts ` +
        '(a fact or a section, as the other fields), or add it to NOT_ON_THE_CARD in test/unit/console-fields.test.ts ' +
        'with the reason the card leaves it to the raw answer.',
    );
  const stale = Object.keys(NOT_ON_THE_CARD).filter((field) => read.has(field) || !topLevel.includes(field));
  expect({ 'listed in NOT_ON_THE_CARD, but shown or not in the schema': stale }).toEqual({
    'listed in NOT_ON_THE_CARD, but shown or not in the schema': [],
  });
  for (const reason of Object.values(NOT_ON_THE_CARD)) expect(reason.length).toBeGreaterThan(40);
});

test('every field path the card names (data-field, title) is a field of the payload or of the error envelope', () => {
  const envelope = (schema.$defs.error.properties.error as { properties: Record<string, unknown> }).properties;
  const known = new Set([
    ...payloadFields(schema as SchemaNode).map((field) => field.path),
    ...Object.keys(envelope).map((name) => `error.${name}`),
  ]);
  const named = fieldPathsNamed(card);
  expect(named).toEqual(expect.arrayContaining(['customer.name', 'interaction.sid', 'transfer.type', 'error.code']));
  expect(named.filter((field) => !known.has(field))).toEqual([]);
});

/** A compiler host that serves `extra` from memory and everything else from disk. */
function hostWith(extra: ts.SourceFile): ts.CompilerHost {
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile;
  host.getSourceFile = (fileName, ...rest) => (fileName === extra.fileName ? extra : getSourceFile.call(host, fileName, ...rest));
  host.fileExists = (fileName) => fileName === extra.fileName || ts.sys.fileExists(fileName);
  return host;
}
