import { AzureError } from '../../http/errors';

/**
 * The Resource Graph queries the sandbox answers: exactly the shapes the bot sends (src/azure/resourceGraph.ts), parsed
 * strictly. Anything else is refused as Resource Graph refuses a query it cannot run: 400 BadRequest with an
 * InvalidQuery detail (shape: azure-rest-api-specs specification/resourcegraph/resource-manager/
 * Microsoft.ResourceGraph/stable/2024-04-01/resourcegraph.json, definitions ErrorResponse / Error / ErrorDetails;
 * "Finding error details" in https://learn.microsoft.com/azure/governance/resource-graph/troubleshoot/general. No
 * example file in the specs shows a failing query, so the message wording is the sandbox's own).
 *
 *   Resources
 *   | where <clause> [and <clause>]...        clause: type =~ 'x' | type in~ ('x', ...) | name =~ 'x' |
 *                                                     name in~ ('x', ...) | name contains 'x' | location =~ 'x' |
 *                                                     id !in~ ('x', ...)
 *   | project <column>, ...                    id, name, type, location, resourceGroup, subscriptionId,
 *                                              rbac = tobool(properties.enableRbacAuthorization)
 *   [| order by name asc]
 *
 * A type clause is required (the bot never asks for every resource), and so is `id` in the projection: Resource Graph
 * pages in a stable order only when the rows carry their id (ResourcesFirstPageQuery.json's description).
 * Operators and string literals follow KQL: `=~`, `in~` and `contains` ignore case; '…' strings take \' and \\.
 */
export interface ParsedQuery {
  types: string[];
  names?: string[];
  nameContains?: string;
  location?: string;
  /** Ids left out (`id !in~ (…)`): the protected VMs a picker of unprotected ones skips. */
  excludeIds?: string[];
  columns: Column[];
  orderByName: boolean;
}

export type Column = 'id' | 'name' | 'type' | 'location' | 'resourceGroup' | 'subscriptionId' | 'rbac';

const PLAIN_COLUMNS = new Set<Column>(['id', 'name', 'type', 'location', 'resourceGroup', 'subscriptionId']);
const RBAC_COLUMN = /^rbac\s*=\s*tobool\(\s*properties\.enableRbacAuthorization\s*\)$/;

/** Resource Graph's refusal of a query, with the detail that says what is wrong. */
export function invalidQuery(message: string): AzureError {
  return new AzureError(
    400,
    'BadRequest',
    'Please provide below info when asking for support: timestamp, correlation id. Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the query before retrying.',
    {
      details: [
        {
          code: 'InvalidQuery',
          message:
            'Query is invalid. Please refer to the documentation for the Azure Resource Graph service and fix the query before retrying.',
        },
        { code: 'UnsupportedQueryShape', message },
      ],
    },
  );
}

export function parseQuery(text: unknown): ParsedQuery {
  if (typeof text !== 'string' || !text.trim()) throw invalidQuery('The query is empty.');
  const stages = splitOutsideQuotes(text, '|').map((s) => s.trim());
  if (stages[0] !== 'Resources')
    throw invalidQuery(`The sandbox queries the Resources table only, not '${stages[0]}'.`);
  const parsed: ParsedQuery = { types: [], columns: [], orderByName: false };
  let where = false;
  let project = false;
  for (const stage of stages.slice(1)) {
    const m = /^(where|project|order by)\s+([\s\S]+)$/.exec(stage);
    if (!m) throw invalidQuery(`Unsupported operator in '${stage}'.`);
    const [, op, rest] = m;
    if (op === 'where' && !where && !project) {
      where = true;
      for (const clause of splitOutsideQuotes(rest, /\s+and\s+/)) applyClause(parsed, clause.trim());
    } else if (op === 'project' && where && !project) {
      project = true;
      parsed.columns = splitOutsideQuotes(rest, ',').map((c) => column(c.trim()));
    } else if (op === 'order by' && project && !parsed.orderByName && /^name\s+asc$/.test(rest.trim())) {
      parsed.orderByName = true;
    } else {
      throw invalidQuery(`'${stage}' is not where the sandbox expects it, or not supported.`);
    }
  }
  if (!parsed.types.length) throw invalidQuery('The query names no resource type (where type =~ …).');
  if (!parsed.columns.includes('id')) throw invalidQuery('The projection must include id (stable paging).');
  return parsed;
}

function applyClause(q: ParsedQuery, clause: string): void {
  const not = /^id\s+!in~\s+([\s\S]+)$/.exec(clause);
  if (not && !q.excludeIds) {
    q.excludeIds = list(not[1]).map((v) => v.toLowerCase());
    return;
  }
  const m = /^(type|name|location)\s+(=~|in~|contains)\s+([\s\S]+)$/.exec(clause);
  if (!m) throw invalidQuery(`Unsupported condition '${clause}'.`);
  const [, field, op, operand] = m;
  const values = op === 'in~' ? list(operand) : [literal(operand)];
  if (field === 'type' && op !== 'contains' && !q.types.length) q.types = values.map((v) => v.toLowerCase());
  else if (field === 'name' && op !== 'contains' && !q.names && q.nameContains === undefined) q.names = values;
  else if (field === 'name' && op === 'contains' && !q.names && q.nameContains === undefined)
    q.nameContains = values[0];
  else if (field === 'location' && op === '=~' && q.location === undefined) q.location = values[0];
  else throw invalidQuery(`Unsupported or repeated condition '${clause}'.`);
}

function column(text: string): Column {
  if (PLAIN_COLUMNS.has(text as Column)) return text as Column;
  if (RBAC_COLUMN.test(text)) return 'rbac';
  throw invalidQuery(`Unsupported column '${text}'.`);
}

/** ('a', 'b') */
function list(text: string): string[] {
  const m = /^\(([\s\S]*)\)$/.exec(text.trim());
  if (!m) throw invalidQuery(`'${text}' is not a list of strings.`);
  const items = splitOutsideQuotes(m[1], ',').map((s) => literal(s));
  if (!items.length) throw invalidQuery('An empty list.');
  return items;
}

/** A single-quoted KQL string literal, with \' and \\ escapes. */
function literal(text: string): string {
  const t = text.trim();
  if (!/^'(?:[^'\\]|\\.)*'$/.test(t)) throw invalidQuery(`'${text}' is not a string literal.`);
  return t.slice(1, -1).replace(/\\(.)/g, '$1');
}

/** Splits on a separator that is not inside a '…' literal. */
function splitOutsideQuotes(text: string, sep: string | RegExp): string[] {
  const parts: string[] = [];
  let current = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      current += ch;
      if (ch === '\\' && i + 1 < text.length) current += text[++i];
      else if (ch === "'") quoted = false;
      continue;
    }
    if (ch === "'") {
      quoted = true;
      current += ch;
      continue;
    }
    if (typeof sep === 'string') {
      if (ch === sep) {
        parts.push(current);
        current = '';
        continue;
      }
    } else {
      const m = new RegExp(`^(?:${sep.source})`).exec(text.slice(i));
      if (m && m[0].length) {
        parts.push(current);
        current = '';
        i += m[0].length - 1;
        continue;
      }
    }
    current += ch;
  }
  if (quoted) throw invalidQuery('A string literal is not closed.');
  parts.push(current);
  return parts;
}
