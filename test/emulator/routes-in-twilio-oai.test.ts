import type { Product } from '../../emulator/representations';
import { apiRoutes } from '../../emulator/routes/api';
import type { ApiRoute } from '../../emulator/routes/route';
import { specOperation } from '../support/twilio-oai';

/**
 * Every Twilio operation the emulator serves (the table server.ts registers) is one that twilio-oai
 * describes, under the same operationId, method and path, in its product's spec: the emulator models
 * Twilio's API and invents none of it. The emulator-only routes are another table (routes/admin.ts).
 */

const VERSION_UPLOAD =
  'the upload twilio-run deploy makes (multipart, on serverless-upload.twilio.com); twilio_serverless_v1.json describes only ' +
  'GET on this path, and serverless-contract.test.ts checks the answer as the Version resource it creates';

/** Routes twilio-oai does not describe, each with the reason; any other route missing from the specs fails. */
const NOT_IN_TWILIO_OAI: Record<string, string> = {
  'POST /v1/Accounts/{AccountSid}/Tokens/validate':
    "IAM's Flex token validation, the call twilio-flex-token-validator makes for /interaction; twilio_iam_v1.json does not describe it",
  'POST /v1/Services/{ServiceSid}/Functions/{FunctionSid}/Versions': VERSION_UPLOAD,
  'POST /v1/Services/{ServiceSid}/Assets/{AssetSid}/Versions': VERSION_UPLOAD,
};

const SPEC_FILE: Record<Product, string> = {
  flex: 'twilio_flex_v1.json',
  conversations: 'twilio_conversations_v1.json',
  taskrouter: 'twilio_taskrouter_v1.json',
  iam: 'twilio_iam_v1.json',
  serverless: 'twilio_serverless_v1.json',
  serverlessUpload: 'twilio_serverless_v1.json',
  sync: 'twilio_sync_v1.json',
};

/** `/v1/Interactions/:Sid` as OpenAPI writes it: `/v1/Interactions/{Sid}`. */
const specPath = (route: ApiRoute) => route.path.replace(/:(\w+)/g, '{$1}');
const methodAndPath = (route: ApiRoute) => `${route.method} ${specPath(route)}`;

const described = apiRoutes.filter((route) => !(methodAndPath(route) in NOT_IN_TWILIO_OAI));

test.each(described)('$operationId: $method $path is in twilio-oai', (route) => {
  // An operationId is unique within a spec only (Serverless and Sync both have FetchService).
  const operation = specOperation(`${SPEC_FILE[route.product]}#${route.operationId}`);
  expect({ file: operation.file, method: operation.method.toUpperCase(), path: operation.path }).toEqual({
    file: SPEC_FILE[route.product],
    method: route.method,
    path: specPath(route),
  });
});

test('each exception is a route the emulator serves that twilio-oai still does not describe', () => {
  for (const exception of Object.keys(NOT_IN_TWILIO_OAI)) {
    const route = apiRoutes.find((candidate) => methodAndPath(candidate) === exception);
    expect(route).toBeDefined();
    expect(() => specOperation(route!.operationId)).toThrow(/twilio-oai has no operation/);
  }
  expect(described.length + Object.keys(NOT_IN_TWILIO_OAI).length).toBe(apiRoutes.length);
});
