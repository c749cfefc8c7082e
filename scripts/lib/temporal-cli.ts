import { execFileSync } from 'node:child_process';
import path from 'node:path';

// Resolved from the source tree: only tests and scripts/start-local.ts (run through ts-node) need
// the CLI; production talks to a real Temporal service.
const temporalCliScript = path.resolve(__dirname, '..', 'temporal-cli.sh');

/**
 * Absolute path of the Temporal CLI, installing the pinned version into .tools/ on first use.
 * The script reports on stderr which route it took; that output is passed through.
 */
export function resolveTemporalCli(): string {
  let scriptOutput: string;
  try {
    scriptOutput = execFileSync('bash', [temporalCliScript], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    });
  } catch (error) {
    throw new Error(
      `Could not obtain the Temporal CLI: ${temporalCliScript} failed (its reasons are printed above). ` +
        'Set TEMPORAL_CLI_PATH to an existing temporal binary to skip the install.',
      { cause: error },
    );
  }
  const cliPath = scriptOutput.trim();
  if (!path.isAbsolute(cliPath)) {
    throw new Error(`${temporalCliScript} printed "${cliPath}" instead of an absolute path to the Temporal CLI.`);
  }
  return cliPath;
}
