import { page } from '../paging';
import { VISIBILITIES, type Dependency, type ResourceKind } from '../serverless/model';
import {
  buildJson,
  buildStatusJson,
  deploymentJson,
  environmentJson,
  resourceJson,
  serviceJson,
  variableJson,
  versionJson,
} from '../serverless/representations';
import type { Store } from '../store';
import { errors } from '../twilio-error';
import { formBoolean, formEnum, formString, formStrings, type ApiRequest, type ApiRoute } from './route';

const SERVICE = '/v1/Services/:ServiceSid';
const ENVIRONMENT = `${SERVICE}/Environments/:EnvironmentSid`;
const BUILD = `${SERVICE}/Builds/:Sid`;
const VARIABLES = `${ENVIRONMENT}/Variables`;

/**
 * Twilio Serverless (serverless.twilio.com), the calls `twilio-run deploy`
 * makes through @twilio-labs/serverless-api, as twilio_serverless_v1.json
 * describes them; Function and Asset Versions are uploaded to
 * serverless-upload.twilio.com as multipart/form-data.
 */
export const serverlessRoutes: ApiRoute[] = [
  {
    operationId: 'ListService',
    product: 'serverless',
    method: 'GET',
    path: '/v1/Services',
    sids: {},
    handle: ({ path, query }, store) => {
      const services = store.serverless.services().map((s) => serviceJson(store.accountSid, s));
      return { body: page(query, services, { product: 'serverless', path, key: 'services' }) };
    },
  },
  {
    operationId: 'CreateService',
    product: 'serverless',
    method: 'POST',
    path: '/v1/Services',
    sids: {},
    handle: ({ body }, store) => {
      const service = store.serverless.createService({
        uniqueName: required(body, 'UniqueName'),
        friendlyName: required(body, 'FriendlyName'),
        includeCredentials: formBoolean(body, 'IncludeCredentials') ?? true,
        uiEditable: formBoolean(body, 'UiEditable') ?? false,
      });
      return { status: 201, body: serviceJson(store.accountSid, service) };
    },
  },
  {
    operationId: 'FetchService',
    product: 'serverless',
    method: 'GET',
    path: '/v1/Services/:Sid',
    // The SID or the unique name.
    sids: {},
    handle: ({ params, path }, store) => ({ body: serviceJson(store.accountSid, store.serverless.service(params.Sid!, path)) }),
  },
  {
    operationId: 'ListEnvironment',
    product: 'serverless',
    method: 'GET',
    path: `${SERVICE}/Environments`,
    sids: { ServiceSid: 'ZS' },
    handle: ({ params, path, query }, store) => {
      const service = store.serverless.service(params.ServiceSid!, path);
      const environments = store.serverless.environmentsOf(service.sid).map((e) => environmentJson(store.accountSid, e));
      return { body: page(query, environments, { product: 'serverless', path, key: 'environments' }) };
    },
  },
  {
    operationId: 'CreateEnvironment',
    product: 'serverless',
    method: 'POST',
    path: `${SERVICE}/Environments`,
    sids: { ServiceSid: 'ZS' },
    handle: ({ params, path, body }, store) => {
      const service = store.serverless.service(params.ServiceSid!, path);
      const environment = store.serverless.createEnvironment(service, {
        uniqueName: required(body, 'UniqueName'),
        domainSuffix: formString(body, 'DomainSuffix') ?? null,
      });
      return { status: 201, body: environmentJson(store.accountSid, environment) };
    },
  },
  {
    operationId: 'FetchEnvironment',
    product: 'serverless',
    method: 'GET',
    path: `${SERVICE}/Environments/:Sid`,
    sids: { ServiceSid: 'ZS', Sid: 'ZE' },
    handle: ({ params, path }, store) => ({
      body: environmentJson(store.accountSid, store.serverless.environment(params.ServiceSid!, params.Sid!, path)),
    }),
  },
  ...resourceRoutes('function'),
  ...resourceRoutes('asset'),
  {
    operationId: 'ListBuild',
    product: 'serverless',
    method: 'GET',
    path: `${SERVICE}/Builds`,
    sids: { ServiceSid: 'ZS' },
    handle: ({ params, path, query }, store) => {
      const service = store.serverless.service(params.ServiceSid!, path);
      const builds = store.serverless.buildsOf(service.sid).map((b) => buildJson(store.serverless, store.accountSid, b));
      return { body: page(query, builds, { product: 'serverless', path, key: 'builds' }) };
    },
  },
  {
    operationId: 'CreateBuild',
    product: 'serverless',
    method: 'POST',
    path: `${SERVICE}/Builds`,
    sids: { ServiceSid: 'ZS' },
    handle: ({ params, path, body }, store) => {
      const service = store.serverless.service(params.ServiceSid!, path);
      const build = store.serverless.createBuild(service, {
        functionVersionSids: formStrings(body, 'FunctionVersions'),
        assetVersionSids: formStrings(body, 'AssetVersions'),
        dependencies: dependencies(body),
        runtime: formString(body, 'Runtime'),
      });
      return { status: 201, body: buildJson(store.serverless, store.accountSid, build) };
    },
  },
  {
    operationId: 'FetchBuild',
    product: 'serverless',
    method: 'GET',
    path: BUILD,
    sids: { ServiceSid: 'ZS', Sid: 'ZB' },
    handle: ({ params, path }, store) => ({
      body: buildJson(store.serverless, store.accountSid, store.serverless.build(params.ServiceSid!, params.Sid!, path)),
    }),
  },
  {
    operationId: 'FetchBuildStatus',
    product: 'serverless',
    method: 'GET',
    path: `${BUILD}/Status`,
    sids: { ServiceSid: 'ZS', Sid: 'ZB' },
    handle: ({ params, path }, store) => ({
      body: buildStatusJson(store.serverless, store.accountSid, store.serverless.build(params.ServiceSid!, params.Sid!, path)),
    }),
  },
  {
    operationId: 'ListDeployment',
    product: 'serverless',
    method: 'GET',
    path: `${ENVIRONMENT}/Deployments`,
    sids: { ServiceSid: 'ZS', EnvironmentSid: 'ZE' },
    handle: ({ params, path, query }, store) => {
      const environment = environmentOf(store, params, path);
      const deployments = store.serverless.deploymentsOf(environment.sid).map((d) => deploymentJson(store.accountSid, d));
      return { body: page(query, deployments, { product: 'serverless', path, key: 'deployments' }) };
    },
  },
  {
    operationId: 'CreateDeployment',
    product: 'serverless',
    method: 'POST',
    path: `${ENVIRONMENT}/Deployments`,
    sids: { ServiceSid: 'ZS', EnvironmentSid: 'ZE' },
    handle: ({ params, path, body }, store) => {
      const environment = environmentOf(store, params, path);
      const deployment = store.serverless.createDeployment(environment, required(body, 'BuildSid'));
      return { status: 201, body: deploymentJson(store.accountSid, deployment) };
    },
  },
  {
    operationId: 'ListVariable',
    product: 'serverless',
    method: 'GET',
    path: VARIABLES,
    sids: { ServiceSid: 'ZS', EnvironmentSid: 'ZE' },
    handle: ({ params, path, query }, store) => {
      const environment = environmentOf(store, params, path);
      const variables = store.serverless.variablesOf(environment.sid).map((v) => variableJson(store.accountSid, v));
      return { body: page(query, variables, { product: 'serverless', path, key: 'variables' }) };
    },
  },
  {
    operationId: 'CreateVariable',
    product: 'serverless',
    method: 'POST',
    path: VARIABLES,
    sids: { ServiceSid: 'ZS', EnvironmentSid: 'ZE' },
    handle: ({ params, path, body }, store) => {
      const environment = environmentOf(store, params, path);
      const variable = store.serverless.createVariable(environment, required(body, 'Key'), required(body, 'Value'));
      return { status: 201, body: variableJson(store.accountSid, variable) };
    },
  },
  {
    operationId: 'UpdateVariable',
    product: 'serverless',
    method: 'POST',
    path: `${VARIABLES}/:Sid`,
    sids: { ServiceSid: 'ZS', EnvironmentSid: 'ZE', Sid: 'ZV' },
    handle: ({ params, path, body }, store) => {
      const variable = variableOf(store, params, path);
      const key = formString(body, 'Key');
      const value = formString(body, 'Value');
      store.serverless.updateVariable(variable, { ...(key !== undefined ? { key } : {}), ...(value !== undefined ? { value } : {}) });
      return { body: variableJson(store.accountSid, variable) };
    },
  },
  {
    operationId: 'DeleteVariable',
    product: 'serverless',
    method: 'DELETE',
    path: `${VARIABLES}/:Sid`,
    sids: { ServiceSid: 'ZS', EnvironmentSid: 'ZE', Sid: 'ZV' },
    handle: ({ params, path }, store) => {
      store.serverless.deleteVariable(variableOf(store, params, path));
      return { status: 204, body: undefined };
    },
  },
];

/** Functions and Assets: list and create on serverless.twilio.com, upload a Version on serverless-upload. */
function resourceRoutes(kind: ResourceKind): ApiRoute[] {
  const [Kind, collection] = kind === 'function' ? ['Function', 'Functions'] : ['Asset', 'Assets'];
  const resources = `${SERVICE}/${collection}`;
  return [
    {
      operationId: `List${Kind}`,
      product: 'serverless',
      method: 'GET',
      path: resources,
      sids: { ServiceSid: 'ZS' },
      handle: ({ params, path, query }, store) => {
        const service = store.serverless.service(params.ServiceSid!, path);
        const items = store.serverless.resourcesOf(service.sid, kind).map((r) => resourceJson(store.accountSid, r));
        return { body: page(query, items, { product: 'serverless', path, key: collection.toLowerCase() }) };
      },
    },
    {
      operationId: `Create${Kind}`,
      product: 'serverless',
      method: 'POST',
      path: resources,
      sids: { ServiceSid: 'ZS' },
      handle: ({ params, path, body }, store) => {
        const service = store.serverless.service(params.ServiceSid!, path);
        const resource = store.serverless.createResource(service, kind, required(body, 'FriendlyName'));
        return { status: 201, body: resourceJson(store.accountSid, resource) };
      },
    },
    {
      // Not in twilio-oai, which describes serverless.twilio.com only; the answer is a Fetch{Kind}Version resource.
      operationId: `Create${Kind}Version`,
      product: 'serverlessUpload',
      method: 'POST',
      path: `${resources}/:${Kind}Sid/Versions`,
      sids: { ServiceSid: 'ZS', [`${Kind}Sid`]: 'ZH' },
      body: 'multipart',
      handle: ({ params, path, body }, store) => {
        const service = store.serverless.service(params.ServiceSid!, path);
        const resource = store.serverless.resource(service.sid, kind, params[`${Kind}Sid`]!, path);
        const visibility = formEnum(body, 'Visibility', VISIBILITIES);
        if (visibility === undefined) throw errors.missingParameter('Visibility');
        const version = store.serverless.createVersion(resource, { path: required(body, 'Path'), visibility, content: content(body) });
        return { status: 201, body: versionJson(store.accountSid, version) };
      },
    },
  ];
}

function required(body: Record<string, unknown>, name: string): string {
  const value = formString(body, name);
  if (value === undefined || value === '') throw errors.missingParameter(name);
  return value;
}

/** The uploaded file; a plain text field is taken as the content too. */
function content(body: Record<string, unknown>): Buffer {
  const value = body.Content;
  if (value === undefined) throw errors.missingParameter('Content');
  if (Buffer.isBuffer(value)) return value;
  if (typeof value === 'string') return Buffer.from(value);
  throw errors.invalidParameter('Content', 'must be a single file');
}

/**
 * `Dependencies` is a JSON array of `{ name, version }`. @twilio-labs/serverless-api
 * wraps that JSON in one pair of double quotes, which Twilio accepts; so does the emulator.
 */
function dependencies(body: Record<string, unknown>): Dependency[] {
  const text = formString(body, 'Dependencies');
  if (text === undefined) return [];
  const unwrapped = text.length >= 2 && text.startsWith('"') && text.endsWith('"') ? text.slice(1, -1) : text;
  let parsed: unknown;
  try {
    parsed = JSON.parse(unwrapped);
  } catch {
    throw errors.invalidParameter('Dependencies', 'is not valid JSON');
  }
  const isDependency = (item: unknown): item is Dependency =>
    typeof item === 'object' &&
    item !== null &&
    typeof (item as Dependency).name === 'string' &&
    typeof (item as Dependency).version === 'string';
  if (!Array.isArray(parsed) || !parsed.every(isDependency))
    throw errors.invalidParameter('Dependencies', 'must be a JSON array of { name, version }');
  return parsed.map(({ name, version }) => ({ name, version }));
}

function environmentOf(store: Store, params: Record<string, string>, path: string) {
  const service = store.serverless.service(params.ServiceSid!, path);
  return store.serverless.environment(service.sid, params.EnvironmentSid!, path);
}

function variableOf(store: Store, params: ApiRequest['params'], path: string) {
  return store.serverless.variable(environmentOf(store, params, path), params.Sid!, path);
}
