import { evaluateValue, invalidTemplate } from './language';

export { invalidTemplate } from './language';

/** What a restore template's expressions can see. */
export interface ExpressionScope {
  subscriptionId: string;
  resourceGroup: { name: string; location: string };
  parameters: Record<string, unknown>;
  variables: Record<string, unknown>;
}

/**
 * Evaluates ARM template expressions in a restore template's JSON value with the one template language of the
 * sandbox (language.ts), over plain parameter and variable bags. Restore templates reference nothing deployed.
 */
export function evaluate(value: unknown, scope: ExpressionScope): unknown {
  return evaluateValue(value, {
    subscriptionId: scope.subscriptionId,
    tenantId: '',
    resourceGroup: scope.resourceGroup,
    parameters: (name) => lookup(scope.parameters, name, 'parameter'),
    variables: (name) => lookup(scope.variables, name, 'variable'),
    reference: (id) => {
      throw invalidTemplate(`The template function 'reference' is not expected in a restore template (for '${id}')`);
    },
  });
}

function lookup(bag: Record<string, unknown>, name: string, kind: string): unknown {
  const key = Object.keys(bag).find((k) => k.toLowerCase() === name.toLowerCase());
  if (key === undefined) throw invalidTemplate(`The template ${kind} '${name}' is not found`);
  return bag[key];
}
