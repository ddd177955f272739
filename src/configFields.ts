import { z } from 'zod';

/** A wrong setting: one line naming it, e.g. "Configuration error: PORT must be a number between 1 and 65535 (got 'abc')". */
export class ConfigError extends Error {
  readonly code = 'ConfigError';
  constructor(
    readonly setting: string,
    detail: string,
  ) {
    super(`Configuration error: ${setting} ${detail}`);
    this.name = 'ConfigError';
  }
}

// Field builders for src/config.ts. Environment values are strings or absent; an empty value counts as absent.
const raw = () =>
  z
    .string()
    .optional()
    .transform((v) => (v === undefined || v.trim() === '' ? undefined : v.trim()));

function fail(ctx: z.RefinementCtx, message: string): never {
  ctx.addIssue({ code: z.ZodIssueCode.custom, message });
  return z.NEVER;
}

export const optionalText = () => raw();

export const text = (fallback: string) => raw().transform((v) => v ?? fallback);

export const integer = (min: number, max: number, fallback: number) =>
  raw().transform((v, ctx) => {
    if (v === undefined) return fallback;
    const n = Number(v);
    return /^-?\d+$/.test(v) && n >= min && n <= max ? n : fail(ctx, `must be a number between ${min} and ${max}`);
  });

/** One of `values`, matched case-insensitively, returned as spelt in `values`. */
export const oneOf = <const T extends string>(values: readonly [T, ...T[]], fallback: T) =>
  raw().transform((v, ctx): T => {
    if (v === undefined) return fallback;
    const match = values.find((value) => value.toLowerCase() === v.toLowerCase());
    return match ?? fail(ctx, `must be one of ${values.join(', ')}`);
  });

export const toggle = (fallback: boolean) =>
  raw().transform((v, ctx) => {
    if (v === undefined) return fallback;
    if (/^(true|1|yes|on)$/i.test(v)) return true;
    if (/^(false|0|no|off)$/i.test(v)) return false;
    return fail(ctx, 'must be true or false');
  });

export const url = (fallback: string) =>
  raw().transform((v, ctx) => {
    const value = v ?? fallback;
    try {
      const parsed = new URL(value);
      if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') throw new Error('not http');
      return value.replace(/\/+$/, '');
    } catch {
      return fail(ctx, 'must be an http(s) URL');
    }
  });

// An Entra object id is a GUID; the Agents Playground's made-up ids have 13 digits in the last group, so allow 12-13.
const OBJECT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12,13}$/i;

/** Comma-separated Entra object ids (users, groups or tenants). */
export const idList = () =>
  raw().transform((v, ctx) => {
    const ids = (v ?? '')
      .split(',')
      .map((id) => id.trim())
      .filter(Boolean);
    return ids.every((id) => OBJECT_ID.test(id))
      ? ids
      : fail(ctx, 'must be a comma-separated list of Entra object ids');
  });

const SUBSCRIPTION_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Comma-separated Azure subscription ids (GUIDs), duplicates dropped; undefined when unset. */
export const subscriptionIdList = () =>
  raw().transform((v, ctx) => {
    if (v === undefined) return undefined;
    const ids = [
      ...new Set(
        v
          .split(',')
          .map((id) => id.trim().toLowerCase())
          .filter(Boolean),
      ),
    ];
    return ids.length && ids.every((id) => SUBSCRIPTION_ID.test(id))
      ? ids
      : fail(ctx, 'must be a comma-separated list of subscription ids (GUIDs)');
  });
