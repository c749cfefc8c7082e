import { isRecord } from './json-values';

/**
 * The Anthropic emulator's default "model": deterministic and extractive. It never invents
 * content; every string is a sentence lifted from the transcript in the request, labelled
 * "[emulated]" so nobody mistakes demo output for Claude. Structured answers conform to the
 * requested JSON schema, so the product's validation runs on realistic-looking data.
 */
export interface JsonSchema {
  type?: string | string[];
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
  definitions?: Record<string, JsonSchema>;
}

const EMULATED_PREFIX = '[emulated] ';
const DEFAULT_ARRAY_LENGTH = 2;
const TEXT_REPLY_SENTENCES = 3;
const FALLBACK_SENTENCE = 'No transcript text was found in the request.';

/** "[00:05:40] John Smith:", "00:05:40 - John Smith:", "John Smith (00:05:40):", "John Smith:" */
const SPEAKER_PREFIX = /^\s*(?:\[?\d{1,2}:\d{2}(?::\d{2})?\]?\s*(?:-\s*)?)?(?:[A-Z][\w.'-]*(?:\s+[A-Z][\w.'-]*){0,3}\s*(?:\(\d{1,2}:\d{2}(?::\d{2})?\))?\s*:\s+)/;
const EMAIL = /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/;
/** The app's request wraps what was said in <transcript>; its other lines are instructions and labels. */
const TRANSCRIPT_BLOCK = /<transcript>([\s\S]*?)<\/transcript>/;

export class ExtractiveWriter {
  private readonly sentences: string[];
  private readonly email: string;
  private nextSentence = 0;

  /** `sourceText`: everything the user sent; only the transcript (its <transcript> block when there is one) is quoted. */
  constructor(sourceText: string) {
    this.sentences = transcriptSentences(sourceText);
    this.email = EMAIL.exec(sourceText)?.[0] ?? 'prospect@example.com';
  }

  textReply(): string {
    return EMULATED_PREFIX + this.sentences.slice(0, TEXT_REPLY_SENTENCES).join(' ');
  }

  /** A value that validates against `schema` (resolving `$ref`s against `root`). */
  valueFor(schema: JsonSchema, root: JsonSchema = schema): unknown {
    const resolved = resolve(schema, root);
    if (resolved.const !== undefined) return resolved.const;
    if (resolved.enum && resolved.enum.length > 0) return resolved.enum[0];
    const branch = resolved.anyOf ?? resolved.oneOf;
    if (branch && branch.length > 0) return this.valueFor(branch.find((option) => option.type !== 'null') ?? branch[0]!, root);
    switch (schemaType(resolved)) {
      case 'object':
        return Object.fromEntries(Object.entries(resolved.properties ?? {}).map(([name, property]) => [name, this.valueFor(property, root)]));
      case 'array': {
        const length = Math.max(resolved.minItems ?? 0, Math.min(resolved.maxItems ?? DEFAULT_ARRAY_LENGTH, DEFAULT_ARRAY_LENGTH));
        return Array.from({ length }, () => this.valueFor(resolved.items ?? {}, root));
      }
      case 'integer':
        return numberWithin(resolved, true);
      case 'number':
        return numberWithin(resolved, false);
      case 'boolean':
        return false;
      case 'null':
        return null;
      default:
        return this.stringFor(resolved);
    }
  }

  private stringFor(schema: JsonSchema): string {
    if (schema.pattern) {
      const pattern = new RegExp(schema.pattern);
      const fitting = patternCandidates(this.email).find((candidate) => pattern.test(candidate));
      if (fitting) return fitting;
    }
    switch (schema.format) {
      case 'email':
        return this.email;
      case 'date':
        return daysFromNow(7).toISOString().slice(0, 10);
      case 'date-time':
        return daysFromNow(7).toISOString();
      case 'uri':
      case 'url':
        return 'https://example.com/emulated';
    }
    let text = EMULATED_PREFIX + this.takeSentence();
    while (schema.minLength !== undefined && text.length < schema.minLength) text += ` ${this.takeSentence()}`;
    return schema.maxLength === undefined ? text : text.slice(0, schema.maxLength);
  }

  /** Successive fields get successive sentences, wrapping around. */
  private takeSentence(): string {
    const sentence = this.sentences[this.nextSentence % this.sentences.length]!;
    this.nextSentence += 1;
    return sentence;
  }
}

/** Typical constrained strings (language code, local date-time, date, email, URL), tried against a `pattern`. */
function patternCandidates(email: string): string[] {
  const nextWeek = daysFromNow(7).toISOString();
  return ['en', `${nextWeek.slice(0, 10)}T10:00`, nextWeek.slice(0, 10), nextWeek, email, 'https://example.com/emulated'];
}

/** The text a Messages API request carries in its user turns (string content or text blocks). */
export function userText(messages: unknown): string {
  if (!Array.isArray(messages)) return '';
  return messages
    .filter((message) => isRecord(message) && message.role === 'user')
    .flatMap((message) => {
      const content = (message as { content?: unknown }).content;
      if (typeof content === 'string') return [content];
      if (!Array.isArray(content)) return [];
      return content.filter((block) => isRecord(block) && block.type === 'text' && typeof block.text === 'string').map((block) => (block as { text: string }).text);
    })
    .join('\n');
}

function transcriptSentences(sourceText: string): string[] {
  const spoken = TRANSCRIPT_BLOCK.exec(sourceText)?.[1] ?? sourceText;
  const lines = spoken.split(/\r?\n/).filter((line) => line.trim().length > 0);
  const speakerLines = lines.filter((line) => SPEAKER_PREFIX.test(line));
  // With a recognisable transcript, skip the prompt's instructions and quote only what was said.
  const chosen = speakerLines.length >= 2 ? speakerLines.map((line) => line.replace(SPEAKER_PREFIX, '')) : lines;
  const sentences = chosen
    .flatMap((line) => line.trim().split(/(?<=[.!?])\s+/))
    .map((sentence) => sentence.trim())
    .filter((sentence) => sentence.split(/\s+/).length >= 4);
  return sentences.length > 0 ? sentences : [FALLBACK_SENTENCE];
}

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let resolved = schema;
  if (resolved.$ref) {
    const name = /^#\/(?:\$defs|definitions)\/(.+)$/.exec(resolved.$ref)?.[1];
    const target = name === undefined ? undefined : (root.$defs ?? root.definitions)?.[name];
    resolved = { ...target, ...resolved, $ref: undefined };
  }
  if (resolved.allOf) {
    resolved = resolved.allOf.reduce<JsonSchema>((merged, part) => {
      const partResolved = resolve(part, root);
      return { ...merged, ...partResolved, properties: { ...merged.properties, ...partResolved.properties } };
    }, { ...resolved, allOf: undefined });
  }
  return resolved;
}

function schemaType(schema: JsonSchema): string {
  const declared = Array.isArray(schema.type) ? (schema.type.find((type) => type !== 'null') ?? schema.type[0]) : schema.type;
  if (declared) return declared;
  if (schema.properties) return 'object';
  if (schema.items) return 'array';
  return 'string';
}

function numberWithin(schema: JsonSchema, integer: boolean): number {
  const step = integer ? 1 : 0.5;
  const lowest = schema.minimum ?? (schema.exclusiveMinimum !== undefined ? schema.exclusiveMinimum + step : undefined);
  const highest = schema.maximum ?? (schema.exclusiveMaximum !== undefined ? schema.exclusiveMaximum - step : undefined);
  const value = lowest ?? Math.min(1, highest ?? 1);
  return integer ? Math.ceil(value) : value;
}

function daysFromNow(days: number): Date {
  const date = new Date(Date.now() + days * 86_400_000);
  date.setUTCHours(10, 0, 0, 0);
  return date;
}
