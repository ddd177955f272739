import { createHash } from 'node:crypto';
import { badRequest, type AzureError } from '../../http/errors';
import { stableGuid } from '../resources/common';

/** ARM's 400 for a template it cannot evaluate. */
export const invalidTemplate = (detail: string): AzureError =>
  badRequest(
    'InvalidTemplate',
    `Deployment template validation failed: '${detail}'. Please see https://aka.ms/arm-syntax for usage details.`,
  );

/**
 * The ARM template expression language for general templates (infra/): "[expr]" strings, parsed to a tree and evaluated
 * lazily, so `if()` evaluates only the branch it takes (as ARM documents for `reference()` inside `if`).
 * Grammar: literals ('text' with '' escapes, integers), function calls, property access (.name) and indexing ([expr]).
 * Functions: https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions — the subset infra/
 * uses; any other is InvalidTemplate naming it.
 */
type Node =
  | { kind: 'literal'; value: unknown }
  | { kind: 'call'; name: string; args: Node[] }
  | { kind: 'member'; target: Node; name: string }
  | { kind: 'index'; target: Node; index: Node };

/** What a general template's expressions can see. */
export interface LanguageScope {
  subscriptionId: string;
  tenantId: string;
  /** Undefined at subscription scope (a nested deployment with subscriptionId and no resourceGroup). */
  resourceGroup?: { name: string; location: string };
  parameters: (name: string) => unknown;
  variables: (name: string) => unknown;
  /** copyIndex(): the current iteration of the named (or innermost) copy loop. */
  copyIndex?: (loop?: string) => number;
  /** reference(resourceId, apiVersion?): the runtime state of a deployed or existing resource. */
  reference: (id: string) => unknown;
}

/** Evaluates every "[...]" string (and object key) in a JSON value; "[[" escapes a literal "[". */
export function evaluateValue(value: unknown, scope: LanguageScope): unknown {
  if (typeof value === 'string') return evaluateString(value, scope);
  if (Array.isArray(value)) return value.map((v) => evaluateValue(v, scope));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => [String(evaluateString(k, scope)), evaluateValue(v, scope)]),
    );
  }
  return value;
}

export function evaluateString(text: string, scope: LanguageScope): unknown {
  if (text.startsWith('[[')) return text.slice(1);
  if (!(text.startsWith('[') && text.endsWith(']'))) return text;
  return run(parse(text.slice(1, -1)), scope, text);
}

/** Whether a string is an expression (for deciding what can be known before deployment). */
export const isExpression = (text: unknown): boolean =>
  typeof text === 'string' && text.startsWith('[') && !text.startsWith('[[') && text.endsWith(']');

function parse(text: string): Node {
  let pos = 0;
  const fail = (): never => {
    throw invalidTemplate(`The template language expression '${text}' is not valid`);
  };
  const space = () => {
    while (text[pos] === ' ') pos++;
  };
  const identifier = (): string => {
    space();
    const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(pos));
    if (!m) fail();
    pos += m![0].length;
    return m![0];
  };
  const primary = (): Node => {
    space();
    const ch = text[pos];
    if (ch === "'") {
      let out = '';
      pos++;
      for (;;) {
        if (pos >= text.length) fail();
        const c = text[pos++];
        if (c === "'") {
          if (text[pos] !== "'") return { kind: 'literal', value: out };
          pos++;
        }
        out += c;
      }
    }
    if (/[0-9-]/.test(ch ?? '')) {
      const m = /^-?[0-9]+/.exec(text.slice(pos));
      if (!m) fail();
      pos += m![0].length;
      return { kind: 'literal', value: Number(m![0]) };
    }
    const name = identifier();
    space();
    if (text[pos] !== '(') fail();
    pos++;
    const args: Node[] = [];
    space();
    while (text[pos] !== ')') {
      args.push(expression());
      space();
      if (text[pos] === ',') pos++;
      else if (text[pos] !== ')') fail();
    }
    pos++;
    return { kind: 'call', name: name.toLowerCase(), args };
  };
  const expression = (): Node => {
    let node = primary();
    for (;;) {
      space();
      if (text[pos] === '.') {
        pos++;
        node = { kind: 'member', target: node, name: identifier() };
      } else if (text[pos] === '[') {
        pos++;
        const index = expression();
        space();
        if (text[pos] !== ']') fail();
        pos++;
        node = { kind: 'index', target: node, index };
      } else return node;
    }
  };
  const node = expression();
  space();
  if (pos !== text.length) fail();
  return node;
}

function run(node: Node, s: LanguageScope, text: string): unknown {
  switch (node.kind) {
    case 'literal':
      return node.value;
    case 'member': {
      const target = run(node.target, s, text);
      const key =
        target && typeof target === 'object'
          ? Object.keys(target).find((k) => k.toLowerCase() === node.name.toLowerCase())
          : undefined;
      if (key === undefined)
        throw invalidTemplate(`The language expression property '${node.name}' doesn't exist in '${text}'`);
      return (target as Record<string, unknown>)[key];
    }
    case 'index': {
      const target = run(node.target, s, text);
      const index = run(node.index, s, text);
      if (Array.isArray(target) && typeof index === 'number' && index >= 0 && index < target.length)
        return target[index];
      if (target && typeof target === 'object' && !Array.isArray(target) && typeof index === 'string') {
        const key = Object.keys(target).find((k) => k.toLowerCase() === index.toLowerCase());
        if (key !== undefined) return (target as Record<string, unknown>)[key];
      }
      throw invalidTemplate(`The language expression index '${String(index)}' is out of range in '${text}'`);
    }
    case 'call':
      return call(node.name, node.args, s, text);
  }
}

function call(name: string, argNodes: Node[], s: LanguageScope, text: string): unknown {
  // Lazy: only the branch taken is evaluated.
  if (name === 'if') {
    const [cond, yes, no] = argNodes;
    return run(run(cond, s, text) === true ? yes : no, s, text);
  }
  const args = argNodes.map((a) => run(a, s, text));
  const str = (i: number) => String(args[i]);
  switch (name) {
    case 'parameters':
      return s.parameters(str(0));
    case 'variables':
      return s.variables(str(0));
    case 'copyindex': {
      if (!s.copyIndex) throw invalidTemplate(`The template function 'copyIndex' is not expected at this location`);
      const loop = typeof args[0] === 'string' ? args[0] : undefined;
      const offset = typeof args[0] === 'number' ? args[0] : typeof args[1] === 'number' ? args[1] : 0;
      return s.copyIndex(loop) + offset;
    }
    case 'resourcegroup':
      if (!s.resourceGroup)
        throw invalidTemplate(`The template function 'resourceGroup' is not expected at subscription scope`);
      return {
        name: s.resourceGroup.name,
        location: s.resourceGroup.location,
        id: `/subscriptions/${s.subscriptionId}/resourceGroups/${s.resourceGroup.name}`,
      };
    case 'subscription':
      return { subscriptionId: s.subscriptionId, tenantId: s.tenantId, id: `/subscriptions/${s.subscriptionId}` };
    case 'tenant':
      return { tenantId: s.tenantId };
    case 'environment':
      // The AzureCloud values (az cloud show): https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-deployment#environment
      return {
        name: 'AzureCloud',
        suffixes: { storage: 'core.windows.net', keyvaultDns: '.vault.azure.net' },
        resourceManager: 'https://management.azure.com/',
      };
    case 'concat':
      return args.every(Array.isArray) ? args.flat() : args.map(String).join('');
    case 'format':
      return str(0).replace(/\{\{|\}\}|\{(\d+)(?::[^}]*)?\}/g, (m, i: string | undefined) =>
        m === '{{' ? '{' : m === '}}' ? '}' : String(args[Number(i) + 1]),
      );
    case 'split':
      // split(text, delimiter | [delimiters])
      return [args[1]].flat().reduce<string[]>((parts, d) => parts.flatMap((p) => p.split(String(d))), [str(0)]);
    case 'replace':
      return str(0).split(str(1)).join(str(2));
    case 'createarray':
      return [...args];
    case 'union':
      // Objects: later arguments win, shallow; arrays: the distinct items in order.
      return args.every(Array.isArray)
        ? (args as unknown[][])
            .flat()
            .filter((v, i, all) => all.findIndex((o) => JSON.stringify(o) === JSON.stringify(v)) === i)
        : Object.assign({}, ...args);
    case 'createobject': {
      if (args.length % 2 !== 0)
        throw invalidTemplate("The template function 'createObject' expects key and value pairs");
      const out: Record<string, unknown> = {};
      for (let i = 0; i < args.length; i += 2) out[String(args[i])] = args[i + 1];
      return out;
    }
    case 'string':
      return typeof args[0] === 'string' ? args[0] : JSON.stringify(args[0]);
    case 'tolower':
      return str(0).toLowerCase();
    case 'toupper':
      return str(0).toUpperCase();
    case 'equals':
      return JSON.stringify(args[0]) === JSON.stringify(args[1]);
    case 'not':
      return args[0] !== true;
    case 'and':
      return args.every((a) => a === true);
    case 'or':
      return args.some((a) => a === true);
    case 'empty':
      return (
        args[0] === null ||
        args[0] === '' ||
        (Array.isArray(args[0]) && args[0].length === 0) ||
        (typeof args[0] === 'object' && args[0] !== null && Object.keys(args[0]).length === 0)
      );
    case 'length':
      return Array.isArray(args[0]) || typeof args[0] === 'string'
        ? args[0].length
        : Object.keys(args[0] as object).length;
    case 'guid':
      // Deterministic like ARM's guid() (same inputs, same GUID); ARM's own hash is not reproduced (no public source).
      return stableGuid(`arm-guid:${args.map(String).join('-')}`);
    case 'uniquestring':
      // 13 lowercase characters, deterministic, like ARM's uniqueString(); not ARM's own hash (no public source).
      return BigInt(`0x${createHash('sha256').update(args.map(String).join('-')).digest('hex').slice(0, 16)}`)
        .toString(32)
        .padStart(13, 'a')
        .slice(0, 13);
    case 'resourceid':
      return resourceIdOf(s, args.map(String), 'resourceId');
    case 'subscriptionresourceid':
      return subscriptionResourceIdOf(s, args.map(String));
    case 'extensionresourceid': {
      // extensionResourceId(baseResourceId, type, name1, ...): an extension resource (a role assignment) on a resource.
      // https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions-resource#extensionresourceid
      const [base, type, ...names] = args.map(String);
      return `${base.replace(/\/+$/, '')}/${typedPath(type, names, 'extensionResourceId')}`;
    }
    case 'reference':
      return s.reference(str(0));
    default:
      throw invalidTemplate(
        `The template function '${name}' is not expected (the sandbox evaluates the functions infra/ and its restore templates use)`,
      );
  }
}

function typedPath(type: string, names: string[], fn: string): string {
  const [ns, ...types] = type.split('/');
  if (types.length === 0 || types.length !== names.length)
    throw invalidTemplate(`The template function '${fn}' expects ${types.length} resource name(s) for type '${type}'`);
  return `providers/${ns}/${types.map((t, i) => `${t}/${names[i]}`).join('/')}`;
}

/** resourceId([subscriptionId], [resourceGroupName], type, name1, [name2, ...]): the type is the first argument with a '/'. */
function resourceIdOf(s: LanguageScope, args: string[], fn: string): string {
  const typeAt = args.findIndex((a) => a.includes('/'));
  if (typeAt < 0 || typeAt > 2) throw invalidTemplate(`The template function '${fn}' has invalid parameters`);
  const sub = typeAt === 2 ? args[0] : s.subscriptionId;
  const rg = typeAt >= 1 ? args[typeAt - 1] : s.resourceGroup?.name;
  // At subscription scope resourceId() without a resource group names a subscription-level resource.
  const prefix = rg ? `/subscriptions/${sub}/resourceGroups/${rg}` : `/subscriptions/${sub}`;
  return `${prefix}/${typedPath(args[typeAt], args.slice(typeAt + 1), fn)}`;
}

/** subscriptionResourceId([subscriptionId], type, name1, ...): a resource deployed at subscription level. */
function subscriptionResourceIdOf(s: LanguageScope, args: string[]): string {
  const typeAt = args.findIndex((a) => a.includes('/'));
  if (typeAt < 0 || typeAt > 1)
    throw invalidTemplate("The template function 'subscriptionResourceId' has invalid parameters");
  const sub = typeAt === 1 ? args[0] : s.subscriptionId;
  return `/subscriptions/${sub}/${typedPath(args[typeAt], args.slice(typeAt + 1), 'subscriptionResourceId')}`;
}
