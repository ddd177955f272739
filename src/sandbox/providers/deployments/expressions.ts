import { badRequest, type AzureError } from '../../http/errors';

/** What template expressions can see. */
export interface ExpressionScope {
  subscriptionId: string;
  resourceGroup: { name: string; location: string };
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
}

export const invalidTemplate = (detail: string): AzureError =>
  badRequest(
    'InvalidTemplate',
    `Deployment template validation failed: '${detail}'. Please see https://aka.ms/arm-syntax for usage details.`,
  );

/**
 * Evaluates ARM template expressions in a JSON value: every string of the form "[...]" ("[[" escapes a literal "[").
 * The sandbox knows the functions restore templates use: parameters, variables, resourceGroup, subscription, concat,
 * resourceId, toLower, toUpper; anything else is InvalidTemplate.
 */
export function evaluate(value: unknown, scope: ExpressionScope): unknown {
  if (typeof value === 'string') {
    if (value.startsWith('[[')) return value.slice(1);
    if (value.startsWith('[') && value.endsWith(']')) return new Parser(value.slice(1, -1), scope).parseAll();
    return value;
  }
  if (Array.isArray(value)) return value.map((v) => evaluate(v, scope));
  if (value && typeof value === 'object')
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, evaluate(v, scope)]));
  return value;
}

class Parser {
  private pos = 0;

  constructor(
    private readonly text: string,
    private readonly scope: ExpressionScope,
  ) {}

  parseAll(): unknown {
    const v = this.expression();
    this.skipSpace();
    if (this.pos !== this.text.length)
      throw invalidTemplate(`The template language expression '${this.text}' is not valid`);
    return v;
  }

  private expression(): unknown {
    this.skipSpace();
    const ch = this.text[this.pos];
    let value: unknown;
    if (ch === "'") value = this.stringLiteral();
    else if (/[0-9-]/.test(ch ?? '')) value = this.number();
    else value = this.call();
    while (this.text[this.pos] === '.') {
      this.pos++;
      const prop = this.identifier();
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[prop] : undefined;
      if (value === undefined)
        throw invalidTemplate(`The language expression property '${prop}' doesn't exist in '${this.text}'`);
    }
    return value;
  }

  private call(): unknown {
    const name = this.identifier();
    this.skipSpace();
    if (this.text[this.pos] !== '(')
      throw invalidTemplate(`The template language expression '${this.text}' is not valid`);
    this.pos++;
    const args: unknown[] = [];
    this.skipSpace();
    while (this.text[this.pos] !== ')') {
      args.push(this.expression());
      this.skipSpace();
      if (this.text[this.pos] === ',') this.pos++;
      else if (this.text[this.pos] !== ')')
        throw invalidTemplate(`The template language expression '${this.text}' is not valid`);
    }
    this.pos++;
    return this.apply(name, args);
  }

  private apply(name: string, args: unknown[]): unknown {
    const s = this.scope;
    switch (name.toLowerCase()) {
      case 'parameters':
        return lookup(s.parameters, String(args[0]), 'parameter');
      case 'variables':
        return lookup(s.variables, String(args[0]), 'variable');
      case 'resourcegroup':
        return {
          name: s.resourceGroup.name,
          location: s.resourceGroup.location,
          id: `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup.name}`,
        };
      case 'subscription':
        return { subscriptionId: s.subscriptionId, id: `/subscriptions/${s.subscriptionId}` };
      case 'concat':
        return args.every(Array.isArray) ? args.flat() : args.map(String).join('');
      case 'tolower':
        return String(args[0]).toLowerCase();
      case 'toupper':
        return String(args[0]).toUpperCase();
      case 'resourceid':
        return resourceIdOf(s, args.map(String));
      default:
        throw invalidTemplate(
          `The template function '${name}' is not expected (the sandbox evaluates only the functions its restore templates use)`,
        );
    }
  }

  private identifier(): string {
    this.skipSpace();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(this.text.slice(this.pos));
    if (!m) throw invalidTemplate(`The template language expression '${this.text}' is not valid`);
    this.pos += m[0].length;
    return m[0];
  }

  private stringLiteral(): string {
    let out = '';
    this.pos++;
    while (this.pos < this.text.length) {
      const c = this.text[this.pos++];
      if (c === "'") {
        if (this.text[this.pos] !== "'") return out;
        this.pos++;
      }
      out += c;
    }
    throw invalidTemplate(`The template language expression '${this.text}' has an unterminated string`);
  }

  private number(): number {
    const m = /^-?[0-9]+/.exec(this.text.slice(this.pos));
    if (!m) throw invalidTemplate(`The template language expression '${this.text}' is not valid`);
    this.pos += m[0].length;
    return Number(m[0]);
  }

  private skipSpace(): void {
    while (this.text[this.pos] === ' ') this.pos++;
  }
}

function lookup(bag: Record<string, unknown>, name: string, kind: string): unknown {
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw invalidTemplate(`The template ${kind} '${name}' is not found`);
  return bag[key];
}

/** resourceId([subscriptionId], [resourceGroupName], type, name1, [name2, ...]): the type is the first argument with a '/'. */
function resourceIdOf(s: ExpressionScope, args: string[]): string {
  const typeAt = args.findIndex((a) => a.includes('/'));
  if (typeAt < 0 || typeAt > 2) throw invalidTemplate("The template function 'resourceId' has invalid parameters");
  const sub = typeAt === 2 ? args[0] : s.subscriptionId;
  const rg = typeAt >= 1 ? args[typeAt - 1] : s.resourceGroup.name;
  const [ns, ...types] = args[typeAt].split('/');
  const names = args.slice(typeAt + 1);
  if (types.length !== names.length)
    throw invalidTemplate(
      `The template function 'resourceId' expects ${types.length} resource name(s) for type '${args[typeAt]}'`,
    );
  return `/subscriptions/${sub}/resourceGroups/${rg}/providers/${ns}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
}
