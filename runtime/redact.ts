/**
 * Removes credentials from anything about to be logged. Keys that name a secret are masked
 * whatever their value; values that look like a token are masked wherever they appear.
 */
const secretKeyPattern = /(token|secret|password|authorization|api[-_]?key|cookie|credential|signature|private[-_]?key)/i;
const secretValuePatterns: RegExp[] = [
  /xox[abposr]-[A-Za-z0-9-]+/g, // Slack tokens
  /Bearer\s+[A-Za-z0-9._~+/=-]+/gi,
  /sk-ant-[A-Za-z0-9_-]+/g, // Anthropic keys
  /ya29\.[A-Za-z0-9._-]+/g, // Google access tokens
  /1\/\/[A-Za-z0-9._-]{20,}/g, // Google refresh tokens
  /pat-[a-z0-9]+-[A-Za-z0-9-]+/g, // HubSpot private app tokens
  /whsec_[A-Za-z0-9+/=]+/g, // webhook secrets
];

export const redactedMarker = '[redacted]';

export function redactText(text: string): string {
  return secretValuePatterns.reduce((result, pattern) => result.replace(pattern, redactedMarker), text);
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
