/* The Agents Toolkit's ${{NAME}} placeholders (appPackage/, infra/azure.parameters.json), filled the way it fills them. */

export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
/** What the placeholders become when the environment does not say: the sandbox's app (as `npm start` uses it). */
export const SANDBOX_DEFAULTS: Readonly<Record<string, string>> = {
  TEAMS_APP_ID: '36fef661-536d-477e-98c3-96ba83e5d3ac',
  BOT_ID: PLACEHOLDER_BOT_ID,
  APP_NAME_SUFFIX: '',
};
const PLACEHOLDER = /\$\{\{\s*([A-Z0-9_]+)\s*\}\}/g;

/** The placeholder values in force: the environment's, else BOT_APP_ID for BOT_ID, else the sandbox defaults. */
export function placeholderValues(env: Record<string, string | undefined> = {}): Record<string, string> {
  const pick = (name: string) => (env[name] !== undefined && env[name] !== '' ? env[name] : undefined);
  const values: Record<string, string> = { ...SANDBOX_DEFAULTS };
  for (const name of Object.keys(env)) if (pick(name) !== undefined) values[name] = env[name]!;
  values.BOT_ID = pick('BOT_ID') ?? pick('BOT_APP_ID') ?? SANDBOX_DEFAULTS.BOT_ID;
  if (env.APP_NAME_SUFFIX !== undefined) values.APP_NAME_SUFFIX = env.APP_NAME_SUFFIX;
  return values;
}

/** Replaces every ${{NAME}}; a placeholder with no value is an error naming it. */
export function fillPlaceholders(
  text: string,
  values: Record<string, string>,
  file = 'appPackage/manifest.json',
): string {
  return text.replace(PLACEHOLDER, (_, name: string) => {
    if (values[name] === undefined) throw new Error(`${file} needs ${name}: set it in the environment`);
    return JSON.stringify(values[name]).slice(1, -1);
  });
}
