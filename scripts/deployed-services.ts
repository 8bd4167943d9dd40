/**
 * What the emulator has deployed, as its admin API answers it (GET /__emulator/serverless/services), and
 * how `npm run deploy:rehearse` prints it; `npm run docs` prints the sample in docs/deploying.md with it.
 */

export interface DeployedService {
  sid: string;
  unique_name: string;
  environments: Array<{
    unique_name: string;
    domain_name: string;
    build: {
      sid: string;
      runtime: string;
      dependencies: Array<{ name: string; version: string }>;
      functions: Array<{ path: string; visibility: string }>;
    } | null;
    variables: Record<string, string>;
  }>;
  builds: Array<{ sid: string; status: string; failure: string | null }>;
}

/** What the emulator has deployed, for the reader: per Service and environment, the live build. */
export function describeDeployed(services: DeployedService[]): string {
  const lines = ['Deployed on the emulator:'];
  for (const service of services) {
    for (const environment of service.environments) {
      const build = environment.build;
      lines.push(`  ${service.unique_name} (${service.sid}), environment ${environment.unique_name}: https://${environment.domain_name}`);
      if (!build) {
        lines.push('    nothing deployed');
        continue;
      }
      lines.push(`    build ${build.sid} on ${build.runtime}`);
      for (const fn of [...build.functions].sort((a, b) => a.path.localeCompare(b.path)))
        lines.push(`    ${fn.visibility.padEnd(9)} ${fn.path}`);
      lines.push(`    dependencies: ${build.dependencies.map((d) => `${d.name}@${d.version}`).join(', ')}`);
      lines.push(`    variables: ${Object.keys(environment.variables).join(', ') || 'none'}`);
    }
  }
  return lines.join('\n');
}
