/**
 * The subset of SOQL the Salesforce emulator answers: SELECT plain fields FROM one object,
 * WHERE with AND/OR/NOT, parentheses, = != <> < <= > >= LIKE IN / NOT IN, string (with
 * backslash escapes), number, boolean, null and date literals; ORDER BY with ASC/DESC and
 * NULLS FIRST/LAST; LIMIT and OFFSET. Field names and string comparisons are
 * case-insensitive, as in Salesforce. Anything else is a MALFORMED_QUERY, like the real thing.
 */
export type SoqlValue = string | number | boolean | null;
export type SoqlRow = Record<string, unknown>;

export class SoqlError extends Error {
  constructor(
    readonly errorCode: 'MALFORMED_QUERY' | 'INVALID_FIELD' | 'INVALID_TYPE',
    message: string,
  ) {
    super(message);
  }
}

interface Literal {
  value: SoqlValue;
  /** For strings: the text between the quotes, escapes intact (LIKE needs \% and \_). */
  raw?: string;
}

type Condition =
  | { kind: 'and' | 'or'; items: Condition[] }
  | { kind: 'not'; item: Condition }
  | { kind: 'compare'; field: string; operator: string; literal: Literal }
  | { kind: 'in'; field: string; literals: Literal[]; negated: boolean };

interface OrderTerm {
  field: string;
  descending: boolean;
  nullsFirst: boolean;
}

export interface SoqlQuery {
  fields: string[];
  object: string;
  where?: Condition;
  orderBy: OrderTerm[];
  limit?: number;
  offset?: number;
}

interface Token {
  type: 'word' | 'string' | 'number' | 'date' | 'symbol';
  text: string;
  raw?: string;
}

export function parseSoql(soql: string): SoqlQuery {
  return new Parser(tokenize(soql)).query();
}

/**
 * Runs a parsed query over the rows of its object. `fieldsOf` names the object's fields in
 * their canonical spelling; rows come back with only the selected fields, spelled that way.
 */
export function runSoql(query: SoqlQuery, rows: SoqlRow[], fieldsOf: readonly string[]): SoqlRow[] {
  const canonical = (name: string): string => {
    const found = fieldsOf.find((field) => field.toLowerCase() === name.toLowerCase());
    if (!found) throw new SoqlError('INVALID_FIELD', `No such column '${name}' on entity '${query.object}'.`);
    return found;
  };
  const selected = query.fields.map(canonical);
  const where = query.where;
  if (where) checkFields(where, canonical);
  const orderBy = query.orderBy.map((term) => ({ ...term, field: canonical(term.field) }));

  let result = where ? rows.filter((row) => evaluate(where, row, canonical)) : [...rows];
  if (orderBy.length > 0) result = stableSort(result, (a, b) => compareRows(a, b, orderBy));
  const offset = query.offset ?? 0;
  result = result.slice(offset, query.limit === undefined ? undefined : offset + query.limit);
  return result.map((row) => Object.fromEntries(selected.map((field) => [field, row[field] ?? null])));
}

function checkFields(condition: Condition, canonical: (name: string) => string): void {
  switch (condition.kind) {
    case 'and':
    case 'or':
      condition.items.forEach((item) => checkFields(item, canonical));
      return;
    case 'not':
      checkFields(condition.item, canonical);
      return;
    default:
      canonical(condition.field);
  }
}

function evaluate(condition: Condition, row: SoqlRow, canonical: (name: string) => string): boolean {
  switch (condition.kind) {
    case 'and':
      return condition.items.every((item) => evaluate(item, row, canonical));
    case 'or':
      return condition.items.some((item) => evaluate(item, row, canonical));
    case 'not':
      return !evaluate(condition.item, row, canonical);
    case 'in': {
      const actual = row[canonical(condition.field)];
      const found = condition.literals.some((literal) => compareValues(actual, literal.value) === 0);
      return condition.negated ? !found : found;
    }
    case 'compare':
      return compareCondition(row[canonical(condition.field)], condition.operator, condition.literal);
  }
}

function compareCondition(actual: unknown, operator: string, literal: Literal): boolean {
  if (operator === 'LIKE') {
    return typeof actual === 'string' && literal.raw !== undefined && likePattern(literal.raw).test(actual);
  }
  if (literal.value === null) {
    const isNull = actual === null || actual === undefined;
    if (operator === '=') return isNull;
    if (operator === '!=') return !isNull;
    return false;
  }
  if (actual === null || actual === undefined) return operator === '!=';
  const order = compareValues(actual, literal.value);
  switch (operator) {
    case '=':
      return order === 0;
    case '!=':
      return order !== 0;
    case '<':
      return order < 0;
    case '<=':
      return order <= 0;
    case '>':
      return order > 0;
    case '>=':
      return order >= 0;
    default:
      throw new SoqlError('MALFORMED_QUERY', `unexpected operator ${operator}`);
  }
}

function compareValues(actual: unknown, expected: SoqlValue): number {
  if (actual === null || actual === undefined) return expected === null ? 0 : -1;
  if (typeof actual === 'number' && typeof expected === 'number') return actual - expected;
  if (typeof actual === 'boolean' && typeof expected === 'boolean') return Number(actual) - Number(expected);
  const left = String(actual).toLowerCase();
  const right = String(expected).toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}

function compareRows(a: SoqlRow, b: SoqlRow, orderBy: OrderTerm[]): number {
  for (const term of orderBy) {
    const left = a[term.field];
    const right = b[term.field];
    const leftNull = left === null || left === undefined;
    const rightNull = right === null || right === undefined;
    if (leftNull || rightNull) {
      if (leftNull && rightNull) continue;
      return leftNull === term.nullsFirst ? -1 : 1;
    }
    const order = compareValues(left, right as SoqlValue);
    if (order !== 0) return term.descending ? -order : order;
  }
  return 0;
}

function stableSort<T>(items: T[], compare: (a: T, b: T) => number): T[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => compare(a.item, b.item) || a.index - b.index)
    .map(({ item }) => item);
}

/** LIKE: % any run, _ one character, backslash escapes; case-insensitive, whole value. */
function likePattern(raw: string): RegExp {
  let source = '';
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw[index]!;
    if (char === '\\' && index + 1 < raw.length) {
      index += 1;
      source += escapeRegExp(unescapeChar(raw[index]!));
    } else if (char === '%') source += '[\\s\\S]*';
    else if (char === '_') source += '[\\s\\S]';
    else source += escapeRegExp(char);
  }
  return new RegExp(`^${source}$`, 'i');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function unescapeChar(char: string): string {
  return ({ n: '\n', r: '\r', t: '\t', b: '\b', f: '\f' } as Record<string, string>)[char] ?? char;
}

function unescapeString(raw: string): string {
  return raw.replace(/\\(.)/g, (_match, char: string) => unescapeChar(char));
}

function tokenize(soql: string): Token[] {
  const tokens: Token[] = [];
  const pattern =
    /\s+|('(?:\\.|[^'\\])*')|(\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2}))?)|(-?\d+(?:\.\d+)?)|([A-Za-z_][A-Za-z0-9_.]*)|(!=|<>|<=|>=|[=<>(),])/y;
  let index = 0;
  while (index < soql.length) {
    pattern.lastIndex = index;
    const match = pattern.exec(soql);
    if (!match) throw new SoqlError('MALFORMED_QUERY', `unexpected token at position ${index}: ${soql.slice(index, index + 20)}`);
    index = pattern.lastIndex;
    const [, string, date, number, word, symbol] = match;
    if (string !== undefined) {
      const raw = string.slice(1, -1);
      tokens.push({ type: 'string', text: unescapeString(raw), raw });
    } else if (date !== undefined) tokens.push({ type: 'date', text: date });
    else if (number !== undefined) tokens.push({ type: 'number', text: number });
    else if (word !== undefined) tokens.push({ type: 'word', text: word });
    else if (symbol !== undefined) tokens.push({ type: 'symbol', text: symbol === '<>' ? '!=' : symbol });
  }
  return tokens;
}

class Parser {
  private position = 0;

  constructor(private readonly tokens: Token[]) {}

  query(): SoqlQuery {
    this.expectWord('SELECT');
    const fields = [this.identifier()];
    while (this.acceptSymbol(',')) fields.push(this.identifier());
    this.expectWord('FROM');
    const object = this.identifier();
    const query: SoqlQuery = { fields, object, orderBy: [] };
    if (this.acceptWord('WHERE')) query.where = this.orCondition();
    if (this.acceptWord('ORDER')) {
      this.expectWord('BY');
      do query.orderBy.push(this.orderTerm());
      while (this.acceptSymbol(','));
    }
    if (this.acceptWord('LIMIT')) query.limit = this.integer();
    if (this.acceptWord('OFFSET')) query.offset = this.integer();
    const rest = this.tokens[this.position];
    if (rest) throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${rest.text}'`);
    return query;
  }

  private orderTerm(): OrderTerm {
    const field = this.identifier();
    const descending = this.acceptWord('DESC');
    if (!descending) this.acceptWord('ASC');
    let nullsFirst = !descending;
    if (this.acceptWord('NULLS')) {
      if (this.acceptWord('FIRST')) nullsFirst = true;
      else {
        this.expectWord('LAST');
        nullsFirst = false;
      }
    }
    return { field, descending, nullsFirst };
  }

  private orCondition(): Condition {
    const items = [this.andCondition()];
    while (this.acceptWord('OR')) items.push(this.andCondition());
    return items.length === 1 ? items[0]! : { kind: 'or', items };
  }

  private andCondition(): Condition {
    const items = [this.notCondition()];
    while (this.acceptWord('AND')) items.push(this.notCondition());
    return items.length === 1 ? items[0]! : { kind: 'and', items };
  }

  private notCondition(): Condition {
    if (this.acceptWord('NOT')) return { kind: 'not', item: this.notCondition() };
    if (this.acceptSymbol('(')) {
      const inner = this.orCondition();
      this.expectSymbol(')');
      return inner;
    }
    const field = this.identifier();
    if (this.acceptWord('LIKE')) return { kind: 'compare', field, operator: 'LIKE', literal: this.literal() };
    const negated = this.acceptWord('NOT');
    if (this.acceptWord('IN')) {
      this.expectSymbol('(');
      const literals = [this.literal()];
      while (this.acceptSymbol(',')) literals.push(this.literal());
      this.expectSymbol(')');
      return { kind: 'in', field, literals, negated };
    }
    if (negated) throw new SoqlError('MALFORMED_QUERY', 'expecting IN after NOT');
    const operator = this.next();
    if (operator?.type !== 'symbol' || !['=', '!=', '<', '<=', '>', '>='].includes(operator.text)) {
      throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${operator?.text ?? 'end of query'}'`);
    }
    return { kind: 'compare', field, operator: operator.text, literal: this.literal() };
  }

  private literal(): Literal {
    const token = this.next();
    if (!token) throw new SoqlError('MALFORMED_QUERY', 'unexpected end of query');
    if (token.type === 'string') return { value: token.text, raw: token.raw };
    if (token.type === 'number') return { value: Number(token.text) };
    if (token.type === 'date') return { value: token.text };
    if (token.type === 'word') {
      const upper = token.text.toUpperCase();
      if (upper === 'TRUE' || upper === 'FALSE') return { value: upper === 'TRUE' };
      if (upper === 'NULL') return { value: null };
    }
    throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${token.text}'`);
  }

  private integer(): number {
    const token = this.next();
    if (token?.type !== 'number' || !/^\d+$/.test(token.text)) throw new SoqlError('MALFORMED_QUERY', 'expecting a non-negative integer');
    return Number(token.text);
  }

  private identifier(): string {
    const token = this.next();
    if (token?.type !== 'word') throw new SoqlError('MALFORMED_QUERY', `unexpected token: '${token?.text ?? 'end of query'}'`);
    return token.text;
  }

  private acceptWord(word: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type === 'word' && token.text.toUpperCase() === word) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private expectWord(word: string): void {
    if (!this.acceptWord(word)) throw new SoqlError('MALFORMED_QUERY', `expecting ${word}, found '${this.tokens[this.position]?.text ?? 'end of query'}'`);
  }

  private acceptSymbol(symbol: string): boolean {
    const token = this.tokens[this.position];
    if (token?.type === 'symbol' && token.text === symbol) {
      this.position += 1;
      return true;
    }
    return false;
  }

  private expectSymbol(symbol: string): void {
    if (!this.acceptSymbol(symbol)) throw new SoqlError('MALFORMED_QUERY', `expecting '${symbol}', found '${this.tokens[this.position]?.text ?? 'end of query'}'`);
  }

  private next(): Token | undefined {
    const token = this.tokens[this.position];
    if (token) this.position += 1;
    return token;
  }
}
