/**
 * The few JSON Schema keywords our tool schemas use, and a validator for exactly those. Model
 * output is checked against the same schema object the model was given, so the two cannot drift.
 *
 * Validated: type, properties, required, items, enum, pattern, minLength. Not validated:
 * maxLength and maxItems; they tell the model the limits, and the writer enforces them by
 * truncating, because an over-long but otherwise good draft is worth keeping. Properties not in
 * the schema are ignored, and an optional property sent as null counts as absent.
 */
export interface JsonSchema {
  type: 'object' | 'array' | 'string' | 'boolean';
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  items?: JsonSchema;
  enum?: string[];
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  maxItems?: number;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  return Array.isArray(value) ? 'array' : typeof value;
}

/** Every way `value` breaks `schema`, as readable "path: problem" sentences; empty when valid. */
export function schemaProblems(value: unknown, schema: JsonSchema, path = 'input'): string[] {
  if (typeOf(value) !== schema.type) return [`${path} must be ${/^[ao]/.test(schema.type) ? 'an' : 'a'} ${schema.type}, got ${typeOf(value)}`];

  if (schema.type === 'string') {
    const text = value as string;
    const problems: string[] = [];
    if (schema.minLength !== undefined && text.trim().length < schema.minLength) problems.push(`${path} must not be empty`);
    if (schema.enum && !schema.enum.includes(text)) problems.push(`${path} must be one of ${schema.enum.join(', ')}`);
    if (schema.pattern && !new RegExp(schema.pattern).test(text)) problems.push(`${path} must match ${schema.pattern}`);
    return problems;
  }

  if (schema.type === 'array') {
    const itemSchema = schema.items;
    return itemSchema ? (value as unknown[]).flatMap((item, index) => schemaProblems(item, itemSchema, `${path}[${index}]`)) : [];
  }

  if (schema.type === 'object') {
    const object = value as Record<string, unknown>;
    const required = new Set(schema.required ?? []);
    return Object.entries(schema.properties ?? {}).flatMap(([name, propertySchema]) => {
      const propertyValue = object[name];
      const absent = propertyValue === undefined || (propertyValue === null && !required.has(name));
      if (absent) return required.has(name) ? [`${path}.${name} is missing`] : [];
      return schemaProblems(propertyValue, propertySchema, `${path}.${name}`);
    });
  }

  return [];
}
