/**
 * Reads settings from environment variables with one set of rules: an empty (or blank)
 * variable counts as unset, and every bad value becomes a problem that names the variable,
 * says what is wrong and shows a good value. The problems are collected, not thrown one at a
 * time, so an operator fixes a misconfiguration in one round.
 */
export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The configuration has ${problems.length === 1 ? 'a problem' : `${problems.length} problems`}:\n${problems.map((problem) => `  - ${problem}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export class EnvSettings {
  private readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  /** The raw value; undefined when the variable is unset or blank. */
  optional(name: string): string | undefined {
    const value = this.env[name];
    return value === undefined || value.trim() === '' ? undefined : value;
  }

  text(name: string, fallback: string): string {
    return this.optional(name) ?? fallback;
  }

  required(name: string, example: string): string {
    const value = this.optional(name);
    if (value === undefined) this.problem(name, 'is not set', example);
    return value ?? '';
  }

  /** A secret: its value never appears in a problem. */
  secret(name: string, options: { minLength: number; example: string }): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && value.length < options.minLength) this.problem(name, `must be at least ${options.minLength} characters`, options.example);
    return value;
  }

  integer(name: string, fallback: number, options: { min?: number; max?: number } = {}): number {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    const { min = 0, max = Number.MAX_SAFE_INTEGER } = options;
    const value = Number(raw.trim());
    if (Number.isInteger(value) && value >= min && value <= max) return value;
    this.problem(name, `is "${raw}", not a whole number from ${min} to ${max}`, String(fallback));
    return fallback;
  }

  choice<T extends string>(name: string, choices: readonly T[], fallback: T): T {
    const raw = this.optional(name);
    if (raw === undefined) return fallback;
    if ((choices as readonly string[]).includes(raw)) return raw as T;
    this.problem(name, `is "${raw}", not one of ${choices.join(', ')}`, fallback);
    return fallback;
  }

  boolean(name: string, fallback: boolean): boolean {
    return this.choice(name, ['true', 'false'], fallback ? 'true' : 'false') === 'true';
  }

  /** An http(s) URL: an API base, a public address, an OAuth endpoint. */
  url(name: string, fallback: string): string {
    return this.optionalUrl(name, fallback) ?? fallback;
  }

  optionalUrl(name: string, example: string): string | undefined {
    const raw = this.optional(name);
    if (raw === undefined || isHttpUrl(raw)) return raw;
    this.problem(name, `is "${raw}", not an http(s) URL`, example);
    return undefined;
  }

  /** A URL that may carry a password (a database URL): its value never appears in a problem. */
  connectionUrl(name: string, protocols: readonly string[], example: string): string {
    const value = this.required(name, example);
    if (value !== '' && !protocols.includes(protocolOf(value))) this.problem(name, `is not a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`, example);
    return value;
  }

  optionalConnectionUrl(name: string, protocols: readonly string[], example: string): string | undefined {
    const value = this.optional(name);
    if (value !== undefined && !protocols.includes(protocolOf(value))) this.problem(name, `is not a ${protocols.map((protocol) => `${protocol}//`).join(' or ')} URL`, example);
    return value;
  }

  /** Comma-separated http(s) URLs, e.g. browser origins. */
  urlList(name: string, fallback: string): string[] {
    const items = this.list(name, fallback);
    const bad = items.filter((item) => !isHttpUrl(item));
    if (bad.length > 0) this.problem(name, `has ${bad.map((item) => `"${item}"`).join(', ')}, not http(s) URLs`, fallback);
    return items.filter(isHttpUrl);
  }

  /** Comma-separated values; blank items are dropped. */
  list(name: string, fallback: string): string[] {
    return this.text(name, fallback)
      .split(',')
      .map((item) => item.trim())
      .filter(Boolean);
  }

  /** A problem that involves more than one value, such as a setting another one needs. */
  problem(name: string, whatIsWrong: string, example: string): void {
    this.problems.push(`${name} ${whatIsWrong}. For example: ${name}=${example}`);
  }

  /** Throws one ConfigError with every problem found so far. */
  assertValid(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}

function isHttpUrl(value: string): boolean {
  const protocol = protocolOf(value);
  return (protocol === 'http:' || protocol === 'https:') && new URL(value).hostname !== '';
}

/** The URL's scheme with its colon, or '' when the value is not a URL. */
function protocolOf(value: string): string {
  try {
    return new URL(value).protocol;
  } catch {
    return '';
  }
}
