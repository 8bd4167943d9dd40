import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../schema/enriched-interaction.schema.json';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
addFormats(ajv);
ajv.addSchema(schema);
const id = schema.$id;

const validators = {
  payload: ajv.getSchema(id)!,
  skipped: ajv.getSchema(`${id}#/$defs/skipped`)!,
  error: ajv.getSchema(`${id}#/$defs/error`)!,
};

/** Throws with Ajv's own explanation when `body` is not a valid answer of this kind. */
export function assertMatchesSchema(kind: keyof typeof validators, body: unknown): void {
  const validate = validators[kind];
  if (!validate(body)) {
    throw new Error(`${kind} does not match the published schema: ${ajv.errorsText(validate.errors, { separator: '\n' })}`);
  }
}
