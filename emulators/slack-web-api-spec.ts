import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isRecord } from './json-values';

/**
 * Slack's published Web API spec (`specs/slack_web_openapi_v2.json`, slackapi/slack-api-specs,
 * MIT, version 1.7.0), read once: which methods exist, which arguments each requires, which
 * OAuth scopes let a token call it and which errors it documents. The emulator checks every
 * call against it, so it refuses what real Slack refuses instead of what our client expects.
 */
export interface SlackMethodSpec {
  name: string;
  /** Arguments the spec marks required, the token aside. */
  requiredArgs: string[];
  /** A token holding any one of these may call the method; empty when the spec says `none`. */
  scopes: string[];
  /** The `error` codes the spec documents for the method (empty when it only gives a template). */
  errors: string[];
}

const specPath = join(__dirname, 'specs', 'slack_web_openapi_v2.json');

let cached: ReadonlyMap<string, SlackMethodSpec> | undefined;

export function slackWebApiMethods(): ReadonlyMap<string, SlackMethodSpec> {
  cached ??= parseSpec(JSON.parse(readFileSync(specPath, 'utf8')) as unknown);
  return cached;
}

function parseSpec(spec: unknown): Map<string, SlackMethodSpec> {
  const methods = new Map<string, SlackMethodSpec>();
  const paths = isRecord(spec) && isRecord(spec.paths) ? spec.paths : {};
  for (const [path, operations] of Object.entries(paths)) {
    if (!isRecord(operations)) continue;
    // Each path has one operation (GET or POST); Slack accepts both verbs, so the verb is not kept.
    const operation = Object.values(operations).find(isRecord);
    if (!operation) continue;
    const name = path.replace(/^\//, '');
    const parameters = Array.isArray(operation.parameters) ? operation.parameters.filter(isRecord) : [];
    methods.set(name, {
      name,
      requiredArgs: parameters.filter((parameter) => parameter.required === true && parameter.name !== 'token').map((parameter) => String(parameter.name)),
      scopes: acceptedScopes(operation, parameters),
      errors: documentedErrors(operation),
    });
  }
  return methods;
}

/**
 * The spec's `security` lists the scopes of its time (e.g. `chat:write:bot`), while the token
 * parameter says the granular bot scope a modern app holds ("Requires scope: `chat:write`"):
 * either is accepted, the granular one first so `missing_scope.needed` names it.
 */
function acceptedScopes(operation: Record<string, unknown>, parameters: Record<string, unknown>[]): string[] {
  const token = parameters.find((parameter) => parameter.name === 'token');
  const described = /Requires scope: `([^`]+)`/.exec(String(token?.description ?? ''))?.[1];
  const security = Array.isArray(operation.security) ? operation.security.filter(isRecord) : [];
  const listed = security.flatMap((requirement) => (Array.isArray(requirement.slackAuth) ? requirement.slackAuth.map(String) : []));
  return [...new Set([described, ...listed])].filter((scope): scope is string => scope !== undefined && scope !== 'none');
}

function documentedErrors(operation: Record<string, unknown>): string[] {
  const responses = isRecord(operation.responses) ? operation.responses : {};
  const schema = isRecord(responses.default) && isRecord(responses.default.schema) ? responses.default.schema : {};
  const error = isRecord(schema.properties) && isRecord(schema.properties.error) ? schema.properties.error : {};
  return Array.isArray(error.enum) ? error.enum.map(String) : [];
}
