/**
 * `npm run package`: fills appPackage/manifest.json's placeholders (${{TEAMS_APP_ID}}, ${{BOT_ID}},
 * ${{APP_NAME_SUFFIX}}) from the environment, validates the result offline against the Teams schema bundled with
 * @microsoft/app-manifest (and the localization files against its localization schema), and zips it with both icons
 * and the localization files into appPackage/build/appPackage.zip, the file Teams (Developer Portal, admin centre or
 * "Upload a custom app") accepts. Unset placeholders take the sandbox defaults; BOT_APP_ID stands in for BOT_ID.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppManifestUtils, type TeamsManifest } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { fillPlaceholders, PLACEHOLDER_BOT_ID, placeholderValues } from './placeholders';

export { fillPlaceholders, PLACEHOLDER_BOT_ID, placeholderValues, SANDBOX_DEFAULTS } from './placeholders';

export const APP_PACKAGE_DIR = path.resolve(__dirname, '../appPackage');
const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const ICON_SIZES = { color: 192, outline: 32 } as const;

export interface PackageOptions {
  /** Folder holding manifest.json, the icons and the localization files (default appPackage/). */
  sourceDir?: string;
  /** Where appPackage.zip goes (default appPackage/build/). */
  outDir?: string;
  /** Where placeholder values come from (default: none, i.e. the sandbox defaults). */
  env?: Record<string, string | undefined>;
  /** The bot's id; the same as env.BOT_ID. */
  botAppId?: string;
}

/** Builds the zip and returns its path; throws with every problem found if the manifest or an icon is invalid. */
export async function buildAppPackage(options: PackageOptions = {}): Promise<string> {
  const sourceDir = options.sourceDir ?? APP_PACKAGE_DIR;
  const outDir = options.outDir ?? path.join(sourceDir, 'build');
  const values = placeholderValues({ ...options.env, ...(options.botAppId ? { BOT_ID: options.botAppId } : {}) });
  for (const name of ['TEAMS_APP_ID', 'BOT_ID']) {
    if (!GUID.test(values[name]))
      throw new Error(`${name === 'BOT_ID' ? 'BOT_ID (BOT_APP_ID)' : name} must be a GUID (got '${values[name]}')`);
  }
  const read = (file: string) =>
    fillPlaceholders(readFileSync(path.join(sourceDir, file), 'utf8'), values, `appPackage/${file}`);
  const manifest = JSON.parse(read('manifest.json')) as TeamsManifest;

  // Offline: @microsoft/app-manifest resolves the $schema URL to its bundled copy of the Teams schema.
  const problems = await AppManifestUtils.validateAgainstSchema(manifest);
  const icons = { color: manifest.icons.color, outline: manifest.icons.outline };
  for (const [kind, file] of Object.entries(icons) as [keyof typeof icons, string][]) {
    const size = ICON_SIZES[kind];
    try {
      const { width, height } = PNG.sync.read(readFileSync(path.join(sourceDir, file)));
      if (width !== size || height !== size)
        problems.push(`${kind} icon ${file} is ${width}×${height}, not ${size}×${size}`);
    } catch (error) {
      problems.push(`${kind} icon ${file} is not a readable PNG: ${(error as Error).message}`);
    }
  }
  const languages = new Map<string, string>();
  const localization = (manifest as { localizationInfo?: { additionalLanguages?: { file: string }[] } })
    .localizationInfo;
  for (const { file } of localization?.additionalLanguages ?? []) {
    try {
      const text = read(file);
      problems.push(...checkLocalization(JSON.parse(text), manifest.manifestVersion, file));
      languages.set(file, text);
    } catch (error) {
      problems.push(`localization file ${file}: ${(error as Error).message}`);
    }
  }
  if (problems.length) throw new Error(`appPackage/manifest.json is not valid:\n${problems.join('\n')}`);

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of new Set(Object.values(icons))) zip.file(file, readFileSync(path.join(sourceDir, file)));
  for (const [file, text] of languages) zip.file(file, text);
  mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, 'appPackage.zip');
  writeFileSync(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return zipPath;
}

/**
 * A localization file against the bundled MicrosoftTeams.Localization schema of the manifest's version: every key a
 * known one (its properties or patternProperties), strings within their maxLength. (The schema is draft-04, which the
 * bundled validator does not take for localization files; these are its rules that a translation can break.)
 */
export function checkLocalization(doc: Record<string, unknown>, manifestVersion: string, file: string): string[] {
  const schemaFile = path.join(
    path.dirname(require.resolve('@microsoft/app-manifest/package.json')),
    `build/json-schemas/teams/v${manifestVersion}/MicrosoftTeams.Localization.schema.json`,
  );
  const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as {
    properties: Record<string, { maxLength?: number }>;
    patternProperties: Record<string, { maxLength?: number }>;
  };
  const problems: string[] = [];
  for (const [key, value] of Object.entries(doc)) {
    const rule =
      schema.properties[key] ??
      Object.entries(schema.patternProperties).find(([pattern]) => new RegExp(pattern).test(key))?.[1];
    if (!rule) problems.push(`${file}: '${key}' is not a localizable key`);
    else if (typeof value === 'string' && rule.maxLength !== undefined && value.length > rule.maxLength)
      problems.push(`${file}: '${key}' must NOT have more than ${rule.maxLength} characters`);
  }
  return problems;
}

if (require.main === module) {
  const env = process.env;
  buildAppPackage({ env }).then(
    (zipPath) => {
      if (!env.BOT_ID && !env.BOT_APP_ID)
        console.warn(
          `BOT_ID (or BOT_APP_ID) is not set: the package keeps the placeholder bot id ${PLACEHOLDER_BOT_ID}`,
        );
      console.log(zipPath);
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
