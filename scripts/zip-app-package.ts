/**
 * `npm run package`: validates appPackage/manifest.json and zips it with both icons into appPackage/build/appPackage.zip,
 * the file Teams (Developer Portal, admin centre or "Upload a custom app") accepts.
 * BOT_APP_ID, when set, replaces the placeholder bot id (the bot's Entra app registration / Azure Bot id).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { AppManifestUtils, type TeamsManifest } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';

export const APP_PACKAGE_DIR = path.resolve(__dirname, '../appPackage');
export const PLACEHOLDER_BOT_ID = '00000000-0000-0000-0000-000000000000';
const GUID = /^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i;
const ICON_SIZES = { color: 192, outline: 32 } as const;

export interface PackageOptions {
  /** Folder holding manifest.json and the icons (default appPackage/). */
  sourceDir?: string;
  /** Where appPackage.zip goes (default appPackage/build/). */
  outDir?: string;
  /** Replaces the placeholder bot id in every bot entry. */
  botAppId?: string;
}

/** Builds the zip and returns its path; throws with every problem found if the manifest or an icon is invalid. */
export async function buildAppPackage(options: PackageOptions = {}): Promise<string> {
  const sourceDir = options.sourceDir ?? APP_PACKAGE_DIR;
  const outDir = options.outDir ?? path.join(sourceDir, 'build');
  const manifest = JSON.parse(readFileSync(path.join(sourceDir, 'manifest.json'), 'utf8')) as TeamsManifest;

  if (options.botAppId !== undefined) {
    if (!GUID.test(options.botAppId)) throw new Error('BOT_APP_ID must be a GUID (the bot app registration id)');
    for (const bot of manifest.bots ?? []) bot.botId = options.botAppId;
  }

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
  if (problems.length) throw new Error(`appPackage/manifest.json is not valid:\n${problems.join('\n')}`);

  const zip = new JSZip();
  zip.file('manifest.json', `${JSON.stringify(manifest, null, 2)}\n`);
  for (const file of new Set(Object.values(icons))) zip.file(file, readFileSync(path.join(sourceDir, file)));
  mkdirSync(outDir, { recursive: true });
  const zipPath = path.join(outDir, 'appPackage.zip');
  writeFileSync(zipPath, await zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' }));
  return zipPath;
}

if (require.main === module) {
  const botAppId = process.env.BOT_APP_ID || undefined;
  buildAppPackage({ botAppId }).then(
    (zipPath) => {
      if (!botAppId)
        console.warn(`BOT_APP_ID is not set: the package keeps the placeholder bot id ${PLACEHOLDER_BOT_ID}`);
      console.log(zipPath);
    },
    (error: Error) => {
      console.error(error.message);
      process.exitCode = 1;
    },
  );
}
