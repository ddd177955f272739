import { sameId } from '../../authorization/rbac';
import { badRequest } from '../../http/errors';
import { invalidTemplate } from './language';

/**
 * Template parameters: types (string, securestring, int, bool, array, object), defaults (evaluated only when no value
 * is given), allowedValues, minValue/maxValue, minLength/maxLength. Secure values are never echoed back.
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/parameters
 */
export interface ParameterDeclaration {
  type?: string;
  defaultValue?: unknown;
  allowedValues?: unknown[];
  minValue?: number;
  maxValue?: number;
  minLength?: number;
  maxLength?: number;
}

export const TYPE_NAMES: Record<string, string> = {
  string: 'String',
  securestring: 'SecureString',
  int: 'Int',
  bool: 'Bool',
  array: 'Array',
  object: 'Object',
  secureobject: 'SecureObject',
};

export function resolveParameters(
  declared: Record<string, ParameterDeclaration>,
  given: Record<string, { value?: unknown; reference?: unknown }>,
  evaluateDefault: (value: unknown) => unknown,
): { values: Map<string, unknown>; echo: Record<string, { type: string; value?: unknown }> } {
  const values = new Map<string, unknown>();
  const echo: Record<string, { type: string; value?: unknown }> = {};
  const names = Object.keys(declared);
  const unknown = Object.keys(given).filter((p) => !names.some((n) => sameId(n, p)));
  if (unknown.length) {
    throw invalidTemplate(
      `The template parameters '${unknown.join(', ')}' in the parameters file are not valid; they are not present in the original template and can therefore not be provided at deployment time. The only supported parameters for this template are '${names.join(', ')}'`,
    );
  }
  for (const name of names) {
    const d = declared[name];
    const type = (d.type ?? 'string').toLowerCase();
    const key = Object.keys(given).find((p) => sameId(p, name));
    const entry = key !== undefined ? given[key] : undefined;
    if (entry?.reference !== undefined)
      throw badRequest(
        'InvalidTemplate',
        `Parameter '${name}': Key Vault references are not supported by the sandbox.`,
      );
    let value = entry && 'value' in entry ? entry.value : undefined;
    if (value === undefined && d.defaultValue !== undefined) value = evaluateDefault(d.defaultValue);
    if (value === undefined) {
      throw invalidTemplate(
        `The value for the template parameter '${name}' at line '1' and column '1' is not provided. Please see https://aka.ms/arm-create-parameter-file for usage details.`,
      );
    }
    const ok =
      type === 'string' || type === 'securestring'
        ? typeof value === 'string'
        : type === 'int'
          ? Number.isInteger(value)
          : type === 'bool'
            ? typeof value === 'boolean'
            : type === 'array'
              ? Array.isArray(value)
              : typeof value === 'object' && value !== null && !Array.isArray(value);
    if (!ok)
      throw invalidTemplate(
        `The provided value for the template parameter '${name}' is not valid. Expected a value of type '${TYPE_NAMES[type] ?? type}'.`,
      );
    if (d.allowedValues && !d.allowedValues.some((a) => JSON.stringify(a) === JSON.stringify(value))) {
      throw invalidTemplate(
        `The provided value '${String(value)}' for the template parameter '${name}' is not valid. The value must be one of '${d.allowedValues.join(', ')}'.`,
      );
    }
    if (
      typeof value === 'number' &&
      ((d.minValue !== undefined && value < d.minValue) || (d.maxValue !== undefined && value > d.maxValue))
    ) {
      throw invalidTemplate(`The provided value '${value}' for the template parameter '${name}' is out of range.`);
    }
    // ARM refuses a value shorter than minLength before deploying anything
    // (https://learn.microsoft.com/azure/azure-resource-manager/templates/parameters#length-constraints); the
    // message's exact wording is not documented, this one is the sandbox's.
    if (typeof value === 'string' && d.minLength !== undefined && value.length < d.minLength) {
      throw invalidTemplate(
        `The provided value for the template parameter '${name}' is not valid. Length of the value should be greater than or equal to '${d.minLength}'.`,
      );
    }
    if (typeof value === 'string' && d.maxLength !== undefined && value.length > d.maxLength) {
      throw invalidTemplate(
        `The provided value for the template parameter '${name}' is longer than ${d.maxLength} characters.`,
      );
    }
    values.set(name, value);
    echo[name] = type.startsWith('secure') ? { type: TYPE_NAMES[type] } : { type: TYPE_NAMES[type] ?? type, value };
  }
  return { values, echo };
}
