/**
 * Removes credentials from anything about to be logged. Keys that name a secret are masked
 * whatever their value; values that look like a token are masked wherever they appear.
 */
const secretKeyPattern = /(token|secret|password|authorization|api[-_]?key|cookie|credential|signature|private[-_]?key)/i;

export const redactedMarker = '[redacted]';

const secretValuePatterns: Array<[RegExp, string]> = [
  // Slack: bot/user/refresh tokens, rotating `xoxe.xoxp-…` access tokens and app-level `xapp-` tokens.
  [/\bxox[a-z](?:\.xox[a-z])?-[A-Za-z0-9-]+/g, redactedMarker],
  [/\bxapp-[A-Za-z0-9-]+/g, redactedMarker],
  [/Bearer\s+[A-Za-z0-9._~+/=!-]+/gi, redactedMarker],
  [/Basic\s+[A-Za-z0-9+/=]{8,}/g, redactedMarker],
  [/sk-ant-[A-Za-z0-9_-]+/g, redactedMarker], // Anthropic keys
  [/ya29\.[A-Za-z0-9._-]+/g, redactedMarker], // Google access tokens
  [/1\/\/[A-Za-z0-9._-]{20,}/g, redactedMarker], // Google refresh tokens
  [/GOCSPX-[A-Za-z0-9_-]+/g, redactedMarker], // Google OAuth client secrets
  [/pat-[a-z0-9]+-[A-Za-z0-9-]+/g, redactedMarker], // HubSpot private app tokens
  [/whsec_[A-Za-z0-9+/=]+/g, redactedMarker], // webhook secrets
  [/\b00D[A-Za-z0-9]{9,15}![A-Za-z0-9._-]+/g, redactedMarker], // Salesforce session ids (org id ! token)
  [/\b[a-f0-9]{40}\b/gi, redactedMarker], // Pipedrive API tokens
  // Fathom and Crono keys are opaque strings: mask whatever follows the header or parameter naming them.
  [/\b((?:x-)?api[-_]?(?:key|secret|token))(["']?\s*[:=]\s*["']?)[^\s"'&,;}]+/gi, `$1$2${redactedMarker}`],
];

export function redactText(text: string): string {
  return secretValuePatterns.reduce((result, [pattern, replacement]) => result.replace(pattern, replacement), text);
}

export function redact(value: unknown, depth = 0): unknown {
  if (depth > 8) return '[depth limit]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    return { name: value.name, message: redactText(value.message) };
  }
  if (Array.isArray(value)) return value.map((item) => redact(item, depth + 1));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, item]) => [
        key,
        secretKeyPattern.test(key) && item !== undefined && item !== null ? redactedMarker : redact(item, depth + 1),
      ]),
    );
  }
  return value;
}
