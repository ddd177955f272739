import { actionMatches } from '../../authorization/rbac';

/**
 * Azure ABAC conditions on role assignments (conditionVersion 2.0), the subset constrained delegation uses:
 *
 *   ((!(ActionMatches{'Microsoft.Authorization/roleAssignments/write'})) OR
 *    (@Request[Microsoft.Authorization/roleAssignments:RoleDefinitionId] ForAnyOfAnyValues:GuidEquals {guid, guid}))
 *
 * Grammar: OR / AND / ! / parentheses; ActionMatches{'pattern'}; attribute comparisons
 * `@Request[...]|@Resource[...] <op> <value>` where op is GuidEquals, GuidNotEquals, StringEquals(IgnoreCase),
 * StringNotEquals(IgnoreCase), each optionally prefixed by ForAnyOfAnyValues: / ForAnyOfAllValues: /
 * ForAllOfAnyValues: / ForAllOfAllValues:. Anything else fails closed: the condition is not met.
 */
export interface ConditionRequest {
  action: string;
  /** Attribute name (e.g. 'Microsoft.Authorization/roleAssignments:RoleDefinitionId') -> values, case-insensitive key. */
  attributes: Record<string, string[]>;
}

export function conditionMet(condition: string, request: ConditionRequest): boolean {
  try {
    const parser = new Parser(tokenize(condition), request);
    const value = parser.expression();
    return parser.done() && value;
  } catch {
    return false;
  }
}

type Token = { kind: 'op' | 'word' | 'string' | 'set' | 'attr'; text: string; values?: string[] };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  const re =
    /\s*(?:(\(|\)|!)|(ActionMatches|SubOperationMatches)\{'([^']*)'\}|@(Request|Resource|Principal|Environment)\[([^\]]+)\]|\{([^}]*)\}|'([^']*)'|([A-Za-z:]+))/y;
  let pos = 0;
  while (pos < src.length) {
    if (/^\s*$/.test(src.slice(pos))) break;
    re.lastIndex = pos;
    const m = re.exec(src);
    if (!m) throw new Error(`Unexpected condition text at ${pos}`);
    pos = re.lastIndex;
    if (m[1]) tokens.push({ kind: 'op', text: m[1] });
    else if (m[2]) tokens.push({ kind: 'word', text: m[2], values: [m[3]] });
    else if (m[4]) tokens.push({ kind: 'attr', text: `${m[4]}:${m[5].trim()}` });
    else if (m[6] !== undefined) tokens.push({ kind: 'set', text: m[6], values: m[6].split(',').map(unquote) });
    else if (m[7] !== undefined) tokens.push({ kind: 'string', text: m[7], values: [m[7]] });
    else tokens.push({ kind: 'word', text: m[8] });
  }
  return tokens;
}

const unquote = (s: string): string => s.trim().replace(/^'(.*)'$/, '$1');

class Parser {
  private i = 0;
  constructor(
    private readonly tokens: Token[],
    private readonly request: ConditionRequest,
  ) {}

  done(): boolean {
    return this.i === this.tokens.length;
  }

  expression(): boolean {
    let value = this.conjunction();
    while (this.peekWord('OR')) {
      this.i++;
      const right = this.conjunction();
      value = value || right;
    }
    return value;
  }

  private conjunction(): boolean {
    let value = this.unary();
    while (this.peekWord('AND')) {
      this.i++;
      const right = this.unary();
      value = value && right;
    }
    return value;
  }

  private unary(): boolean {
    const t = this.next();
    if (t.kind === 'op' && t.text === '!') return !this.unary();
    if (t.kind === 'op' && t.text === '(') {
      const value = this.expression();
      const close = this.next();
      if (close.text !== ')') throw new Error('Missing )');
      return value;
    }
    if (t.kind === 'word' && t.text === 'ActionMatches') return actionMatches(t.values![0], this.request.action);
    if (t.kind === 'word' && t.text === 'SubOperationMatches') return false;
    if (t.kind === 'attr') return this.comparison(t);
    throw new Error(`Unexpected token ${t.text}`);
  }

  private comparison(attr: Token): boolean {
    const op = this.next();
    const operand = this.next();
    if (op.kind !== 'word' || (operand.kind !== 'set' && operand.kind !== 'string')) throw new Error('Bad comparison');
    const [quantifier, operator] = op.text.includes(':') ? op.text.split(':') : ['ForAnyOfAnyValues', op.text];
    const name = attr.text.slice(attr.text.indexOf(':') + 1).toLowerCase();
    const key = Object.keys(this.request.attributes).find((k) => k.toLowerCase() === name);
    if (!key) throw new Error(`Unknown attribute ${attr.text}`);
    const left = this.request.attributes[key];
    const right = operand.values!;
    const test = compare(operator);
    const anyRight = (l: string) => right.some((r) => test(l, r));
    const allRight = (l: string) => right.every((r) => test(l, r));
    switch (quantifier) {
      case 'ForAnyOfAnyValues':
        return left.some(anyRight);
      case 'ForAnyOfAllValues':
        return left.some(allRight);
      case 'ForAllOfAnyValues':
        return left.every(anyRight);
      case 'ForAllOfAllValues':
        return left.every(allRight);
      default:
        throw new Error(`Unknown quantifier ${quantifier}`);
    }
  }

  private peekWord(word: string): boolean {
    const t = this.tokens[this.i];
    return t?.kind === 'word' && t.text.toUpperCase() === word;
  }

  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new Error('Unexpected end of condition');
    return t;
  }
}

function compare(operator: string): (l: string, r: string) => boolean {
  const ci = (l: string, r: string) => l.toLowerCase() === r.toLowerCase();
  switch (operator) {
    case 'GuidEquals':
    case 'StringEqualsIgnoreCase':
      return ci;
    case 'GuidNotEquals':
    case 'StringNotEqualsIgnoreCase':
      return (l, r) => !ci(l, r);
    case 'StringEquals':
      return (l, r) => l === r;
    case 'StringNotEquals':
      return (l, r) => l !== r;
    default:
      throw new Error(`Unknown operator ${operator}`);
  }
}
