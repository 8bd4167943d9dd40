import { SID_PREFIX, type SidPrefix } from '../sids';
import { errors, TwilioApiError } from '../twilio-error';
import {
  ACCEPTED_RUNTIME_HANDLER_VERSIONS,
  RETIRED_RUNTIMES,
  RUNTIME_HANDLER,
  RUNTIME_HANDLER_DOCS,
  SUPPORTED_RUNTIMES,
} from './build-rules';

/**
 * The emulator's model of Twilio Serverless (Functions and Assets): Services,
 * their Environments, Functions and Assets with their uploaded Versions,
 * Builds that bundle Versions with dependencies, Deployments that put a Build
 * live in an Environment, and each Environment's Variables. Routes translate
 * the wire format; the rules Twilio enforces live here.
 */

export type Visibility = 'public' | 'protected' | 'private';
export const VISIBILITIES: readonly Visibility[] = ['public', 'protected', 'private'];
export type ResourceKind = 'function' | 'asset';
export type BuildStatus = 'building' | 'completed' | 'failed';

export type Runtime = (typeof SUPPORTED_RUNTIMES)[number];
const DEFAULT_RUNTIME: Runtime = 'node22';

/** Bounds on what the emulator keeps in memory: one uploaded file, and all of them together. */
export const MAX_VERSION_BYTES = 5 * 1024 * 1024;
const MAX_STORED_BYTES = 64 * 1024 * 1024;
export const DEFAULT_BUILD_MS = 300;

const MAX_PATH_LENGTH = 255;
const MAX_VARIABLE_KEY_LENGTH = 128;
const MAX_VARIABLE_VALUE_BYTES = 450;

export interface ServiceRecord {
  sid: string;
  uniqueName: string;
  friendlyName: string;
  includeCredentials: boolean;
  uiEditable: boolean;
  domainBase: string;
  createdAt: number;
  updatedAt: number;
}

export interface EnvironmentRecord {
  sid: string;
  serviceSid: string;
  uniqueName: string;
  domainSuffix: string | null;
  domainName: string;
  buildSid: string | null;
  createdAt: number;
  updatedAt: number;
}

/** A Function or an Asset: a name that Versions are uploaded under. */
export interface ResourceRecord {
  sid: string;
  serviceSid: string;
  kind: ResourceKind;
  friendlyName: string;
  createdAt: number;
  updatedAt: number;
}

export interface VersionRecord {
  sid: string;
  serviceSid: string;
  resourceSid: string;
  kind: ResourceKind;
  path: string;
  visibility: Visibility;
  content: Buffer;
  createdAt: number;
}

export interface Dependency {
  name: string;
  version: string;
}

export interface BuildRecord {
  sid: string;
  serviceSid: string;
  functionVersionSids: string[];
  assetVersionSids: string[];
  dependencies: Dependency[];
  runtime: Runtime;
  createdAt: number;
  /** Why the build fails once it has run; null for a build that completes. */
  failure: string | null;
}

export interface DeploymentRecord {
  sid: string;
  serviceSid: string;
  environmentSid: string;
  buildSid: string;
  createdAt: number;
}

export interface VariableRecord {
  sid: string;
  serviceSid: string;
  environmentSid: string;
  key: string;
  value: string;
  createdAt: number;
  updatedAt: number;
}

export class ServerlessModel {
  /** How long a build stays `building`; the tooling polls its status meanwhile. */
  buildMs = DEFAULT_BUILD_MS;
  readonly #services = new Map<string, ServiceRecord>();
  readonly #environments = new Map<string, EnvironmentRecord>();
  readonly #resources = new Map<string, ResourceRecord>();
  readonly #versions = new Map<string, VersionRecord>();
  readonly #builds = new Map<string, BuildRecord>();
  readonly #deployments = new Map<string, DeploymentRecord>();
  readonly #variables = new Map<string, VariableRecord>();
  #nextBuildFailure: string | null = null;
  #storedBytes = 0;

  constructor(
    private readonly mintSid: (prefix: SidPrefix) => string,
    readonly now: () => number,
  ) {}

  services(): ServiceRecord[] {
    return [...this.#services.values()];
  }

  /** The build an Environment serves, if one was deployed. */
  liveBuildOf(environment: EnvironmentRecord): BuildRecord | undefined {
    return environment.buildSid === null ? undefined : this.#builds.get(environment.buildSid);
  }

  /** Why the next build will fail, as the admin API set it; null when it will be built as usual. */
  get nextBuildFailure(): string | null {
    return this.#nextBuildFailure;
  }

  /** Makes the next build fail for `reason`, so a rehearsal can watch a deploy fail at the build. */
  failNextBuild(reason: string): void {
    this.#nextBuildFailure = reason;
  }

  cancelNextBuildFailure(): void {
    this.#nextBuildFailure = null;
  }

  // ---- lookups that answer Twilio's 404 ----

  /** Twilio addresses a Service by its SID or its unique name. */
  service(sidOrUniqueName: string, path: string): ServiceRecord {
    const service = this.#services.get(sidOrUniqueName) ?? [...this.#services.values()].find((s) => s.uniqueName === sidOrUniqueName);
    return found(service, path);
  }

  environment(serviceSid: string, sid: string, path: string): EnvironmentRecord {
    return found(owned(this.#environments.get(sid), serviceSid), path);
  }

  resource(serviceSid: string, kind: ResourceKind, sid: string, path: string): ResourceRecord {
    const resource = owned(this.#resources.get(sid), serviceSid);
    return found(resource?.kind === kind ? resource : undefined, path);
  }

  build(serviceSid: string, sid: string, path: string): BuildRecord {
    return found(owned(this.#builds.get(sid), serviceSid), path);
  }

  variable(environment: EnvironmentRecord, sid: string, path: string): VariableRecord {
    const variable = this.#variables.get(sid);
    return found(variable?.environmentSid === environment.sid ? variable : undefined, path);
  }

  environmentsOf(serviceSid: string): EnvironmentRecord[] {
    return [...this.#environments.values()].filter((e) => e.serviceSid === serviceSid);
  }

  resourcesOf(serviceSid: string, kind: ResourceKind): ResourceRecord[] {
    return [...this.#resources.values()].filter((r) => r.serviceSid === serviceSid && r.kind === kind);
  }

  buildsOf(serviceSid: string): BuildRecord[] {
    return [...this.#builds.values()].filter((b) => b.serviceSid === serviceSid);
  }

  deploymentsOf(environmentSid: string): DeploymentRecord[] {
    return [...this.#deployments.values()].filter((d) => d.environmentSid === environmentSid);
  }

  variablesOf(environmentSid: string): VariableRecord[] {
    return [...this.#variables.values()].filter((v) => v.environmentSid === environmentSid);
  }

  versionsOf(build: BuildRecord, kind: ResourceKind): VersionRecord[] {
    const sids = kind === 'function' ? build.functionVersionSids : build.assetVersionSids;
    return sids.map((sid) => this.#versions.get(sid)).filter((v): v is VersionRecord => v?.serviceSid === build.serviceSid);
  }

  /** A build runs for `buildMs` after it is created, then completes or fails. */
  buildStatus(build: BuildRecord): BuildStatus {
    if (this.now() < build.createdAt + this.buildMs) return 'building';
    return build.failure === null ? 'completed' : 'failed';
  }

  buildUpdatedAt(build: BuildRecord): number {
    return this.buildStatus(build) === 'building' ? build.createdAt : build.createdAt + this.buildMs;
  }

  // ---- writes ----

  createService(spec: { uniqueName: string; friendlyName: string; includeCredentials: boolean; uiEditable: boolean }): ServiceRecord {
    // The unique name becomes part of every Environment's domain.
    if (!/^[A-Za-z0-9-]{1,50}$/.test(spec.uniqueName))
      throw errors.invalidParameter('UniqueName', 'must be 1 to 50 letters, digits or hyphens');
    if (spec.friendlyName.length > 255) throw errors.invalidParameter('FriendlyName', 'must be 255 characters or less');
    if ([...this.#services.values()].some((s) => s.uniqueName === spec.uniqueName))
      throw errors.badRequest(`Service with UniqueName ${spec.uniqueName} already exists`);
    const sid = this.mintSid(SID_PREFIX.serverlessService);
    const createdAt = this.now();
    const service: ServiceRecord = { ...spec, sid, domainBase: `${spec.uniqueName}-${domainDigits(sid)}`, createdAt, updatedAt: createdAt };
    this.#services.set(sid, service);
    return service;
  }

  createEnvironment(service: ServiceRecord, spec: { uniqueName: string; domainSuffix: string | null }): EnvironmentRecord {
    if (spec.uniqueName.length < 1 || spec.uniqueName.length > 100)
      throw errors.invalidParameter('UniqueName', 'must be 1 to 100 characters');
    if (spec.domainSuffix !== null && !/^[a-z0-9-]{1,16}$/.test(spec.domainSuffix))
      throw errors.invalidParameter('DomainSuffix', 'must be 1 to 16 lowercase letters, digits or hyphens');
    const siblings = this.environmentsOf(service.sid);
    if (siblings.some((e) => e.uniqueName === spec.uniqueName))
      throw errors.badRequest(`Environment with UniqueName ${spec.uniqueName} already exists`);
    if (siblings.some((e) => e.domainSuffix === spec.domainSuffix))
      throw errors.badRequest(`Environment with DomainSuffix ${spec.domainSuffix ?? '(none)'} already exists`);
    const createdAt = this.now();
    const environment: EnvironmentRecord = {
      sid: this.mintSid(SID_PREFIX.serverlessEnvironment),
      serviceSid: service.sid,
      uniqueName: spec.uniqueName,
      domainSuffix: spec.domainSuffix,
      domainName: `${service.domainBase}${spec.domainSuffix === null ? '' : `-${spec.domainSuffix}`}.twil.io`,
      buildSid: null,
      createdAt,
      updatedAt: createdAt,
    };
    this.#environments.set(environment.sid, environment);
    return environment;
  }

  createResource(service: ServiceRecord, kind: ResourceKind, friendlyName: string): ResourceRecord {
    if (friendlyName.length < 1 || friendlyName.length > 255) throw errors.invalidParameter('FriendlyName', 'must be 1 to 255 characters');
    const createdAt = this.now();
    const resource: ResourceRecord = {
      sid: this.mintSid(SID_PREFIX.serverlessFunction),
      serviceSid: service.sid,
      kind,
      friendlyName,
      createdAt,
      updatedAt: createdAt,
    };
    this.#resources.set(resource.sid, resource);
    return resource;
  }

  createVersion(resource: ResourceRecord, spec: { path: string; visibility: Visibility; content: Buffer }): VersionRecord {
    checkPath(spec.path);
    if (spec.content.length > MAX_VERSION_BYTES) throw contentTooLarge(`a Version's Content is limited to ${MAX_VERSION_BYTES} bytes`);
    if (this.#storedBytes + spec.content.length > MAX_STORED_BYTES)
      throw contentTooLarge(`the emulator keeps at most ${MAX_STORED_BYTES} bytes of uploads; POST /__emulator/reset to start over`);
    const version: VersionRecord = {
      sid: this.mintSid(SID_PREFIX.serverlessVersion),
      serviceSid: resource.serviceSid,
      resourceSid: resource.sid,
      kind: resource.kind,
      path: spec.path,
      visibility: spec.visibility,
      content: spec.content,
      createdAt: this.now(),
    };
    this.#storedBytes += spec.content.length;
    this.#versions.set(version.sid, version);
    return version;
  }

  /**
   * Refuses what Twilio refuses when the build is requested (a retired or
   * unknown runtime, a runtime handler that is not one exact accepted
   * version); what only the build itself finds makes it fail later.
   */
  createBuild(
    service: ServiceRecord,
    spec: { functionVersionSids: string[]; assetVersionSids: string[]; dependencies: Dependency[]; runtime: string | undefined },
  ): BuildRecord {
    const runtime = checkRuntime(spec.runtime ?? DEFAULT_RUNTIME);
    checkDependencies(spec.dependencies);
    const failure = this.#nextBuildFailure ?? this.buildProblem(service, spec.functionVersionSids, spec.assetVersionSids);
    this.#nextBuildFailure = null;
    const build: BuildRecord = {
      sid: this.mintSid(SID_PREFIX.serverlessBuild),
      serviceSid: service.sid,
      functionVersionSids: spec.functionVersionSids,
      assetVersionSids: spec.assetVersionSids,
      dependencies: spec.dependencies,
      runtime,
      createdAt: this.now(),
      failure,
    };
    this.#builds.set(build.sid, build);
    return build;
  }

  /** Only a completed build can go live. */
  createDeployment(environment: EnvironmentRecord, buildSid: string): DeploymentRecord {
    const build = owned(this.#builds.get(buildSid), environment.serviceSid);
    if (!build) throw errors.invalidParameter('BuildSid', `build ${buildSid} was not found in this service`);
    const status = this.buildStatus(build);
    if (status !== 'completed') throw errors.invalidParameter('BuildSid', `build ${buildSid} is ${status}, not completed`);
    const createdAt = this.now();
    const deployment: DeploymentRecord = {
      sid: this.mintSid(SID_PREFIX.serverlessDeployment),
      serviceSid: environment.serviceSid,
      environmentSid: environment.sid,
      buildSid,
      createdAt,
    };
    this.#deployments.set(deployment.sid, deployment);
    environment.buildSid = buildSid;
    environment.updatedAt = createdAt;
    return deployment;
  }

  createVariable(environment: EnvironmentRecord, key: string, value: string): VariableRecord {
    checkVariable(key, value);
    if (this.variablesOf(environment.sid).some((v) => v.key === key))
      throw errors.badRequest(`Variable with Key ${key} already exists in this environment`);
    const createdAt = this.now();
    const variable: VariableRecord = {
      sid: this.mintSid(SID_PREFIX.serverlessVariable),
      serviceSid: environment.serviceSid,
      environmentSid: environment.sid,
      key,
      value,
      createdAt,
      updatedAt: createdAt,
    };
    this.#variables.set(variable.sid, variable);
    return variable;
  }

  updateVariable(variable: VariableRecord, changes: { key?: string; value?: string }): VariableRecord {
    const key = changes.key ?? variable.key;
    const value = changes.value ?? variable.value;
    checkVariable(key, value);
    if (key !== variable.key && this.variablesOf(variable.environmentSid).some((v) => v.key === key))
      throw errors.badRequest(`Variable with Key ${key} already exists in this environment`);
    Object.assign(variable, { key, value, updatedAt: this.now() });
    return variable;
  }

  deleteVariable(variable: VariableRecord): void {
    this.#variables.delete(variable.sid);
  }

  private buildProblem(service: ServiceRecord, functionVersionSids: string[], assetVersionSids: string[]): string | null {
    const paths = new Set<string>();
    for (const [kind, sids] of [
      ['function', functionVersionSids],
      ['asset', assetVersionSids],
    ] as const) {
      for (const sid of sids) {
        const version = this.#versions.get(sid);
        if (version?.serviceSid !== service.sid || version.kind !== kind)
          return `${kind === 'function' ? 'Function' : 'Asset'} Version ${sid} was not found in service ${service.sid}`;
        if (paths.has(version.path)) return `two Versions in the build serve the path ${version.path}`;
        paths.add(version.path);
      }
    }
    return null;
  }
}

function found<T>(value: T | undefined, path: string): T {
  if (value === undefined) throw errors.notFound(path);
  return value;
}

function owned<T extends { serviceSid: string }>(record: T | undefined, serviceSid: string): T | undefined {
  return record?.serviceSid === serviceSid ? record : undefined;
}

/** Four digits derived from the SID, as Twilio appends random ones to a service's domain. */
function domainDigits(sid: string): number {
  return 1000 + (parseInt(sid.slice(-4), 16) % 9000);
}

function contentTooLarge(why: string): TwilioApiError {
  return new TwilioApiError(413, 20413, `Request Entity Too Large: ${why}`);
}

/** A URL path: leading slash, no whitespace, query, fragment or dot segments. */
export function checkPath(path: string): void {
  if (!path.startsWith('/')) throw errors.invalidParameter('Path', 'must begin with a forward slash');
  if (path.length > MAX_PATH_LENGTH) throw errors.invalidParameter('Path', `must be ${MAX_PATH_LENGTH} characters or less`);
  if (!/^\/[\x21-\x7e]*$/.test(path) || /[?#\\]/.test(path))
    throw errors.invalidParameter('Path', 'must be a URL path without spaces, ? or #');
  if (path.split('/').some((segment) => segment === '.' || segment === '..'))
    throw errors.invalidParameter('Path', 'must not contain . or .. segments');
}

function checkRuntime(runtime: string): Runtime {
  if ((SUPPORTED_RUNTIMES as readonly string[]).includes(runtime)) return runtime as Runtime;
  const supported = SUPPORTED_RUNTIMES.join(', ');
  if (RETIRED_RUNTIMES.includes(runtime))
    throw errors.invalidParameter('Runtime', `${runtime} no longer accepts new builds; use one of ${supported}`);
  throw errors.invalidParameter('Runtime', `must be one of ${supported}`);
}

/** The runtime handler must name one exact version Twilio accepts; Twilio installs the other dependencies as npm would. */
function checkDependencies(dependencies: Dependency[]): void {
  const handler = dependencies.find((d) => d.name === RUNTIME_HANDLER);
  if (handler && !ACCEPTED_RUNTIME_HANDLER_VERSIONS.includes(handler.version))
    throw errors.badRequest(
      `Some dependencies could not be validated. No matching version found for ${RUNTIME_HANDLER}@${handler.version}. ` +
        `You can find the valid versions at ${RUNTIME_HANDLER_DOCS}`,
    );
}

function checkVariable(key: string, value: string): void {
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) || key.length > MAX_VARIABLE_KEY_LENGTH)
    throw errors.invalidParameter(
      'Key',
      `must be a name of letters, digits and underscores, at most ${MAX_VARIABLE_KEY_LENGTH} characters`,
    );
  if (Buffer.byteLength(value) > MAX_VARIABLE_VALUE_BYTES)
    throw errors.invalidParameter('Value', `must be ${MAX_VARIABLE_VALUE_BYTES} bytes or less`);
}
