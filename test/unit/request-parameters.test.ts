import Ajv2020 from 'ajv/dist/2020';
import fc from 'fast-check';
import { valueSchemas } from '../../scripts/openapi';
import { readEnrichmentRequest, readWebhookEvent, type Event } from '../../src/core/request-input';
import { REQUEST_PARAMETERS, type ParameterName } from '../../src/core/request-parameters';

/**
 * The OpenAPI document says what each parameter's value may be (scripts/openapi.ts writes the schemas from
 * src/core/request-parameters.ts); the parser decides. A value the parser takes and the schema refuses, or the other
 * way round, is a document that lies: fast-check looks for one, in text as forms and queries carry it.
 */

const SID = 'KD0b991f2d3727d40d5cc59aeb35491eb4';
const ajv = new Ajv2020({ strict: true });
const documented = (name: ParameterName) => ajv.compile(valueSchemas(REQUEST_PARAMETERS[name]).text);

function accepts(read: (event: Event) => unknown, event: Event): boolean {
  try {
    read(event);
    return true;
  } catch {
    return false;
  }
}

/** Text made of pieces near the parameter's own values, so both sides get to say yes. */
const textOf = (pieces: string[], maxLength = 8) => fc.array(fc.constantFrom(...pieces), { maxLength }).map((parts) => parts.join(''));

const cases: Array<[ParameterName, fc.Arbitrary<string>, (value: string) => boolean]> = [
  [
    'include',
    textOf(['channels', 'Participants', 'INVITES', 'conversation', 'task', 'all', 'ALL', 'tasks', 'chan nels', ',', ' ', '\t', 'x', '']),
    (value) => accepts(readEnrichmentRequest, { InteractionSid: SID, include: value }),
  ],
  [
    'fresh',
    textOf(['true', 'TRUE', 'True', 'false', 'FaLsE', '1', '0', 'yes', ' ', 't'], 3),
    (value) => accepts(readEnrichmentRequest, { InteractionSid: SID, fresh: value }),
  ],
  [
    'InteractionSid',
    textOf(['KD', 'kd', '0b991f2d3727d40d5cc59aeb35491eb4', 'AB', 'a', 'G', ' ', '/'], 4).filter((value) => value !== ''),
    (value) => accepts(readEnrichmentRequest, { InteractionSid: value }),
  ],
  [
    'TaskSid',
    textOf(['WT', 'KD', '0b991f2d3727d40d5cc59aeb35491eb4', 'a', ' '], 4).filter((value) => value !== ''),
    (value) => accepts(readWebhookEvent, { TaskSid: value }),
  ],
];

test.each(cases)('%s: the documented schema accepts exactly the text the parser accepts', (name, text, parserAccepts) => {
  const schemaAccepts = documented(name);
  fc.assert(
    fc.property(text, (value) => {
      expect({ value, documented: schemaAccepts(value) }).toEqual({ value, documented: parserAccepts(value) });
    }),
    { numRuns: 400 },
  );
});

test('a value over its maxLength is refused by the parser too', () => {
  const eventType = 'x'.repeat(REQUEST_PARAMETERS.EventType.maxLength + 1);
  expect(documented('EventType')(eventType)).toBe(false);
  expect(accepts(readWebhookEvent, { EventType: eventType })).toBe(false);
  expect(accepts(readWebhookEvent, { EventType: eventType.slice(1) })).toBe(true);
});
