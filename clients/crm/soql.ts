/**
 * SOQL literals built from untrusted text (a domain from an email, a name typed by a rep).
 * SOQL escapes quotes and backslashes with a backslash; inside LIKE, % and _ are wildcards
 * unless escaped the same way.
 */
export function soqlString(value: string): string {
  return `'${escapeSoql(value)}'`;
}

/** A LIKE pattern matching `value` anywhere, with its own % and _ taken literally. */
export function soqlContainsPattern(value: string): string {
  return `'%${escapeSoql(value).replace(/%/g, '\\%').replace(/_/g, '\\_')}%'`;
}

/** Record ids are 15 or 18 alphanumerics; anything else must never reach a query or URL path. */
export function isSalesforceId(value: string): boolean {
  return /^[a-zA-Z0-9]{15}(?:[a-zA-Z0-9]{3})?$/.test(value);
}

function escapeSoql(value: string): string {
  return value
    .replace(/\\/g, '\\\\')
    .replace(/'/g, "\\'")
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(/\r/g, '\\r')
    .replace(/\t/g, '\\t');
}
