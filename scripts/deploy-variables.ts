import { readFileSync } from 'node:fs';
import path from 'node:path';
import type twilio from 'twilio';
import type { DeployArguments } from './deploy-preflight';

/**
 * What `npm run deploy` does after `twilio-run deploy` has succeeded: twilio-run creates and updates the
 * environment variables the settings file sets, but never removes one. A setting taken out of the file (a
 * secret moved elsewhere, a LOG_LEVEL=debug dropped) stays on the Service and keeps acting. So the deploy
 * lists the environment's variables (ListVariable), names those the file no longer sets, and, with
 * --prune-variables, removes them (DeleteVariable). Names only: a value is never read out or printed.
 */

type TwilioClient = ReturnType<typeof twilio>;

/** Where twilio-run deployed: the Service and the environment, named as its flags name them. */
export interface DeployTarget {
  /** From --service-sid, .twilioserverlessrc or .twiliodeployinfo; else the Service is found by its unique name. */
  serviceSid: string | undefined;
  serviceName: string;
  /** A domain suffix (`dev` by default, '' for --production) or an environment SID (ZE...). */
  environment: string;
}

export interface VariableReview {
  serviceSid: string;
  environmentSid: string;
  environmentName: string;
  /** The keys on the environment that the settings file does not set, sorted. */
  stale: string[];
  /** Whether they were removed (--prune-variables). */
  pruned: boolean;
}

interface Variable {
  sid: string;
  key: string;
}

/** The variables on the environment that the upload did not set, sorted by key. */
export function staleVariables<V extends Variable>(onEnvironment: V[], uploaded: Record<string, string>): V[] {
  return onEnvironment.filter((variable) => !Object.hasOwn(uploaded, variable.key)).sort((a, b) => a.key.localeCompare(b.key));
}

interface TwilioRunLookups {
  getFunctionServiceSid(
    cwd: string,
    config: string | undefined,
    command: string,
    username?: string,
    region?: string,
  ): Promise<string | undefined>;
}

/**
 * The Service and environment twilio-run has just deployed to, named as twilio-run names them: --service-sid,
 * else the SID it keeps in .twilioserverlessrc or .twiliodeployinfo (its own lookup; written by a deploy with an
 * account SID), else the Service's unique name (--service-name, else package.json's name).
 */
export async function deployTarget(root: string, args: DeployArguments, accountSid: string | undefined): Promise<DeployTarget> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const lookups = require('twilio-run/dist/serverless-api/utils') as TwilioRunLookups;
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { name?: string };
  return {
    serviceSid: args.serviceSid ?? (await lookups.getFunctionServiceSid(root, undefined, 'deploy', accountSid, args.region)),
    serviceName: args.serviceName ?? pkg.name ?? '',
    environment: args.production ? '' : (args.environment ?? 'dev'),
  };
}

/** Lists the deployed environment's variables that `uploaded` does not set, and removes them when `prune`. */
export async function reviewVariables(
  client: TwilioClient,
  target: DeployTarget,
  uploaded: Record<string, string>,
  prune: boolean,
): Promise<VariableReview> {
  const service = await client.serverless.v1.services(target.serviceSid ?? target.serviceName).fetch();
  const environments = client.serverless.v1.services(service.sid).environments;
  const environment = target.environment.startsWith('ZE')
    ? await environments(target.environment).fetch()
    : bySuffix(await environments.list(), target.environment);
  if (!environment) throw new Error(`the Service ${service.uniqueName} has no environment with the domain suffix "${target.environment}"`);
  const variables = environments(environment.sid).variables;
  const stale = staleVariables(await variables.list(), uploaded);
  if (prune) for (const variable of stale) await variables(variable.sid).remove();
  return {
    serviceSid: service.sid,
    environmentSid: environment.sid,
    environmentName: environment.uniqueName,
    stale: stale.map((variable) => variable.key),
    pruned: prune,
  };
}

/** As twilio-run finds an environment: by domain suffix ('' is the bare domain), its own unique name first. */
function bySuffix<E extends { domainSuffix: string | null; uniqueName: string }>(environments: E[], suffix: string): E | undefined {
  const matching = environments.filter((environment) => (environment.domainSuffix ?? '') === suffix);
  const ownName = suffix === '' ? 'production' : `${suffix}-environment`;
  return matching.find((environment) => environment.uniqueName === ownName) ?? matching[0];
}

/**
 * What the deploy prints about the environment's variables. `again` is the command that was run, so the
 * reader can run it again with --prune-variables; a --password given in it is not repeated.
 */
export function describeReview(review: VariableReview, settingsFile: string | null, again: string[]): string {
  const where = `environment ${review.environmentName} (${review.environmentSid})`;
  const file = settingsFile ?? 'the settings file (there is none)';
  if (review.stale.length === 0) return `Variables on ${where}: only what ${file} sets.`;
  const names = review.stale.join(', ');
  if (review.pruned) return `Removed from ${where}, as ${file} no longer sets them: ${names}.`;
  return [
    `Still on ${where}, though ${file} does not set them: ${names}.`,
    'twilio-run adds and updates variables but never removes one: these stay on the Service, and a setting among them still applies.',
    'To remove them, deploy again with --prune-variables:',
    `  ${shellWords([...again, '--prune-variables'])}`,
  ].join('\n');
}

/** Words as a shell reads them back; the value of --password is replaced, never printed. */
export function shellWords(words: string[]): string {
  return words
    .map((word, i) => {
      if (words[i - 1] === '--password') return '<secret>';
      if (word.startsWith('--password=')) return '--password=<secret>';
      return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
    })
    .join(' ');
}
