import { absoluteUrl, iso } from '../representations';
import type {
  BuildRecord,
  DeploymentRecord,
  EnvironmentRecord,
  ResourceRecord,
  ServerlessModel,
  ServiceRecord,
  VariableRecord,
  VersionRecord,
} from './model';

/** Serverless resources as serverless.twilio.com answers them (twilio_serverless_v1.json). */

const serviceUrl = (serviceSid: string) => absoluteUrl('serverless', `/v1/Services/${serviceSid}`);

export function serviceJson(accountSid: string, service: ServiceRecord): Record<string, unknown> {
  const url = serviceUrl(service.sid);
  return {
    sid: service.sid,
    account_sid: accountSid,
    friendly_name: service.friendlyName,
    unique_name: service.uniqueName,
    include_credentials: service.includeCredentials,
    ui_editable: service.uiEditable,
    domain_base: service.domainBase,
    date_created: iso(service.createdAt),
    date_updated: iso(service.updatedAt),
    url,
    links: {
      service_environments: `${url}/Environments`,
      service_functions: `${url}/Functions`,
      service_assets: `${url}/Assets`,
      service_builds: `${url}/Builds`,
    },
  };
}

export function environmentJson(accountSid: string, environment: EnvironmentRecord): Record<string, unknown> {
  const url = `${serviceUrl(environment.serviceSid)}/Environments/${environment.sid}`;
  return {
    sid: environment.sid,
    account_sid: accountSid,
    service_sid: environment.serviceSid,
    build_sid: environment.buildSid,
    unique_name: environment.uniqueName,
    domain_suffix: environment.domainSuffix,
    domain_name: environment.domainName,
    date_created: iso(environment.createdAt),
    date_updated: iso(environment.updatedAt),
    url,
    links: { variables: `${url}/Variables`, deployments: `${url}/Deployments`, logs: `${url}/Logs` },
  };
}

/** A Function or an Asset: the same shape, under its own collection and link name. */
export function resourceJson(accountSid: string, resource: ResourceRecord): Record<string, unknown> {
  const collection = resource.kind === 'function' ? 'Functions' : 'Assets';
  const url = `${serviceUrl(resource.serviceSid)}/${collection}/${resource.sid}`;
  return {
    sid: resource.sid,
    account_sid: accountSid,
    service_sid: resource.serviceSid,
    friendly_name: resource.friendlyName,
    date_created: iso(resource.createdAt),
    date_updated: iso(resource.updatedAt),
    url,
    links: { [`${resource.kind}_versions`]: `${url}/Versions` },
  };
}

/** A Function Version or Asset Version, as created and as listed inside a Build. */
export function versionJson(accountSid: string, version: VersionRecord, withLinks = true): Record<string, unknown> {
  const collection = version.kind === 'function' ? 'Functions' : 'Assets';
  const url = `${serviceUrl(version.serviceSid)}/${collection}/${version.resourceSid}/Versions/${version.sid}`;
  return {
    sid: version.sid,
    account_sid: accountSid,
    service_sid: version.serviceSid,
    [`${version.kind}_sid`]: version.resourceSid,
    path: version.path,
    visibility: version.visibility,
    date_created: iso(version.createdAt),
    url,
    ...(withLinks && version.kind === 'function' ? { links: { function_version_content: `${url}/Content` } } : {}),
  };
}

export function buildJson(model: ServerlessModel, accountSid: string, build: BuildRecord): Record<string, unknown> {
  const url = `${serviceUrl(build.serviceSid)}/Builds/${build.sid}`;
  return {
    sid: build.sid,
    account_sid: accountSid,
    service_sid: build.serviceSid,
    status: model.buildStatus(build),
    asset_versions: model.versionsOf(build, 'asset').map((v) => versionJson(accountSid, v, false)),
    function_versions: model.versionsOf(build, 'function').map((v) => versionJson(accountSid, v, false)),
    dependencies: build.dependencies,
    runtime: build.runtime,
    date_created: iso(build.createdAt),
    date_updated: iso(model.buildUpdatedAt(build)),
    url,
    links: { build_status: `${url}/Status` },
  };
}

export function buildStatusJson(model: ServerlessModel, accountSid: string, build: BuildRecord): Record<string, unknown> {
  return {
    sid: build.sid,
    account_sid: accountSid,
    service_sid: build.serviceSid,
    status: model.buildStatus(build),
    url: `${serviceUrl(build.serviceSid)}/Builds/${build.sid}/Status`,
  };
}

export function deploymentJson(accountSid: string, deployment: DeploymentRecord): Record<string, unknown> {
  return {
    sid: deployment.sid,
    account_sid: accountSid,
    service_sid: deployment.serviceSid,
    environment_sid: deployment.environmentSid,
    build_sid: deployment.buildSid,
    date_created: iso(deployment.createdAt),
    date_updated: iso(deployment.createdAt),
    url: `${serviceUrl(deployment.serviceSid)}/Environments/${deployment.environmentSid}/Deployments/${deployment.sid}`,
  };
}

export function variableJson(accountSid: string, variable: VariableRecord): Record<string, unknown> {
  return {
    sid: variable.sid,
    account_sid: accountSid,
    service_sid: variable.serviceSid,
    environment_sid: variable.environmentSid,
    key: variable.key,
    value: variable.value,
    date_created: iso(variable.createdAt),
    date_updated: iso(variable.updatedAt),
    url: `${serviceUrl(variable.serviceSid)}/Environments/${variable.environmentSid}/Variables/${variable.sid}`,
  };
}

/**
 * The emulator's own view of what is deployed (GET /__emulator/serverless/services):
 * each Service with its Environments, the Build live in each, its Variables,
 * and every Build with the reason a failed one failed.
 */
export function deployedView(model: ServerlessModel): Record<string, unknown> {
  const versionView = (v: VersionRecord) => ({ path: v.path, visibility: v.visibility, sid: v.sid, bytes: v.content.length });
  const buildView = (build: BuildRecord) => ({
    sid: build.sid,
    status: model.buildStatus(build),
    runtime: build.runtime,
    dependencies: build.dependencies,
    functions: model.versionsOf(build, 'function').map(versionView),
    assets: model.versionsOf(build, 'asset').map(versionView),
    failure: model.buildStatus(build) === 'failed' ? build.failure : null,
  });
  return {
    services: model.services().map((service) => ({
      sid: service.sid,
      unique_name: service.uniqueName,
      friendly_name: service.friendlyName,
      domain_base: service.domainBase,
      environments: model.environmentsOf(service.sid).map((environment) => {
        const build = model.liveBuildOf(environment);
        return {
          sid: environment.sid,
          unique_name: environment.uniqueName,
          domain_suffix: environment.domainSuffix,
          domain_name: environment.domainName,
          build: build ? buildView(build) : null,
          variables: Object.fromEntries(model.variablesOf(environment.sid).map((v) => [v.key, v.value])),
        };
      }),
      builds: model.buildsOf(service.sid).map(buildView),
    })),
  };
}
