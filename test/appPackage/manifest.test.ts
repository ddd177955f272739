import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import {
  APP_PACKAGE_DIR,
  buildAppPackage,
  checkLocalization,
  fillPlaceholders,
  placeholderValues,
} from '../../scripts/zip-app-package';
import type { BotDeps } from '../../src/bot/deps';
import { commandRegistry } from '../../src/bot/routes';

// @microsoft/app-manifest requires strip-bom 5, which is ESM-only: Node's require() loads it (so `npm run package`
// works) but jest's CommonJS runtime cannot. This stands in with the same one-line behaviour.
jest.mock('strip-bom', () => ({
  __esModule: true,
  default: (text: string) => (text.charCodeAt(0) === 0xfeff ? text.slice(1) : text),
}));

const MANIFEST_FILE = path.join(APP_PACKAGE_DIR, 'manifest.json');
const readManifest = () => JSON.parse(readFileSync(MANIFEST_FILE, 'utf8'));
/** The manifest as `npm run package` fills it with no environment (the sandbox defaults). */
const filledManifest = () => JSON.parse(fillPlaceholders(readFileSync(MANIFEST_FILE, 'utf8'), placeholderValues({})));
/** Teams schema versions bundled with @microsoft/app-manifest, newest last. */
const bundledVersions = () =>
  readdirSync(
    path.join(path.dirname(require.resolve('@microsoft/app-manifest/package.json')), 'build/json-schemas/teams'),
  )
    .filter((v) => /^v\d+\.\d+$/.test(v))
    .map((v) => v.slice(1))
    .sort((a, b) => Number(a.split('.')[1]) - Number(b.split('.')[1]));
const readPng = (file: string) => PNG.sync.read(readFileSync(path.join(APP_PACKAGE_DIR, file)));

/** The command names the bot routes (src/bot/routes.ts). Listing them runs no handler, so no dependencies are needed. */
const knownCommands = () =>
  commandRegistry({} as BotDeps)
    .list()
    .map((command) => command.name);

describe('Teams app package', () => {
  let fetchSpy: jest.SpyInstance;
  beforeEach(() => {
    fetchSpy = jest.spyOn(globalThis, 'fetch').mockRejectedValue(new Error('manifest validation must stay offline'));
  });
  afterEach(() => fetchSpy.mockRestore());

  it('manifest.json, filled, validates against the newest Teams schema the bundled package ships, offline', async () => {
    const manifest = filledManifest();
    expect(await AppManifestUtils.validateAgainstSchema(manifest)).toEqual([]);
    expect(manifest.manifestVersion).toBe(bundledVersions().at(-1));
    expect(manifest.$schema).toContain(`/v${manifest.manifestVersion}/`);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('carries the toolkit placeholders: ${{TEAMS_APP_ID}}, ${{BOT_ID}} and an app-name suffix', () => {
    const raw = readManifest();
    expect(raw.id).toBe('${{TEAMS_APP_ID}}');
    expect(raw.bots[0].botId).toBe('${{BOT_ID}}');
    expect(raw.name.short).toMatch(/\$\{\{APP_NAME_SUFFIX\}\}$/);
    expect(() => fillPlaceholders('{"x": "${{NOT_SET}}"}', placeholderValues({}))).toThrow(/needs NOT_SET/);
  });

  it('localizes the names, descriptions and command menu into zh-TW (titles stay the commands the bot routes)', () => {
    const { localizationInfo, bots } = readManifest();
    expect(localizationInfo.additionalLanguages).toEqual([{ languageTag: 'zh-tw', file: 'zh-TW.json' }]);
    const zh = JSON.parse(readFileSync(path.join(APP_PACKAGE_DIR, 'zh-TW.json'), 'utf8'));
    expect(checkLocalization(zh, filledManifest().manifestVersion, 'zh-TW.json')).toEqual([]);
    for (const key of ['name.short', 'name.full', 'description.short', 'description.full'])
      expect(zh[key]).toMatch(/[\u4e00-\u9fff]/);
    (bots[0].commandLists as { commands: { title: string }[] }[]).forEach((list, i) =>
      list.commands.forEach((_c, j) => {
        expect(zh[`bots[0].commandLists[${i}].commands[${j}].description`]).toMatch(/[\u4e00-\u9fff]/);
        expect(zh[`bots[0].commandLists[${i}].commands[${j}].title`]).toBeUndefined();
      }),
    );
    // The same check refuses a key Teams does not localize and a short name over 30 characters.
    expect(checkLocalization({ 'name.short': 'x'.repeat(31), accentColor: '#fff' }, '1.30', 'f')).toHaveLength(2);
  });

  it('the same validation rejects a broken manifest (a 31-character short name)', async () => {
    const errors = await AppManifestUtils.validateAgainstSchema({
      ...filledManifest(),
      name: { short: 'x'.repeat(31) },
    });
    expect(errors.join('\n')).toMatch(/\/name\/short must NOT have more than 30 characters/);
  });

  it('ships a 192×192 opaque colour icon and a 32×32 white-on-transparent outline icon', () => {
    const { icons } = readManifest();
    const color = readPng(icons.color);
    expect([color.width, color.height]).toEqual([192, 192]);
    const colored = Array.from({ length: color.width * color.height }, (_, p) => color.data.subarray(p * 4, p * 4 + 4));
    expect(colored.every((px) => px[3] === 255)).toBe(true);
    expect(colored.some((px) => px[0] !== px[1] || px[1] !== px[2])).toBe(true); // not greyscale

    const outline = readPng(icons.outline);
    expect([outline.width, outline.height]).toEqual([32, 32]);
    const pixels = Array.from({ length: 32 * 32 }, (_, p) => outline.data.subarray(p * 4, p * 4 + 4));
    expect(pixels[0][3]).toBe(0); // transparent background
    expect(pixels.filter((px) => px[3] === 0).length).toBeGreaterThan(32 * 32 * 0.3);
    expect(pixels.some((px) => px[3] === 255)).toBe(true);
    expect(pixels.filter((px) => px[3] > 0 && (px[0] < 255 || px[1] < 255 || px[2] < 255))).toEqual([]);
  });

  it('offers one command list per scope, each title a command the bot knows', () => {
    const [bot] = readManifest().bots;
    expect(bot.commandLists.map((list: { scopes: string[] }) => list.scopes)).toEqual([
      ['personal'],
      ['team'],
      ['groupChat'],
    ]);
    const known = knownCommands();
    for (const list of bot.commandLists as { commands: { title: string; description: string }[] }[]) {
      expect(list.commands.length).toBeLessThanOrEqual(10);
      expect(list.commands.map((c) => c.title).filter((title) => !known.includes(title))).toEqual([]);
      expect(list.commands.every((c) => c.description.length > 0)).toBe(true);
    }
  });

  describe('the zip script', () => {
    let outDir: string;
    beforeEach(() => (outDir = mkdtempSync(path.join(tmpdir(), 'app-package-'))));
    afterEach(() => rmSync(outDir, { recursive: true, force: true }));

    it('zips manifest.json, both icons and zh-TW.json at the root, placeholders filled from the environment', async () => {
      const env = {
        BOT_ID: '62157000-2245-476a-840e-00ce3865e865',
        TEAMS_APP_ID: '5b7f1c2a-0000-4000-8000-0000000000aa',
        APP_NAME_SUFFIX: '-dev',
      };
      const zipPath = await buildAppPackage({ outDir, env });
      expect(zipPath).toBe(path.join(outDir, 'appPackage.zip'));
      const zip = await JSZip.loadAsync(readFileSync(zipPath));
      expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png', 'zh-TW.json']);
      const packed = JSON.parse(await zip.file('manifest.json')!.async('string'));
      expect(packed).toMatchObject({ id: env.TEAMS_APP_ID, name: { short: 'ADE Backup Bot-dev' } });
      expect(packed.bots[0].botId).toBe(env.BOT_ID);
      expect(JSON.parse(await zip.file('zh-TW.json')!.async('string'))['name.short']).toMatch(/-dev$/);
      expect(readManifest().bots[0].botId).toBe('${{BOT_ID}}'); // the source manifest is left alone
      // Unset: the sandbox defaults, and BOT_APP_ID stands in for BOT_ID.
      const sandbox = await JSZip.loadAsync(
        readFileSync(await buildAppPackage({ outDir, env: { BOT_APP_ID: env.BOT_ID } })),
      );
      const defaults = JSON.parse(await sandbox.file('manifest.json')!.async('string'));
      expect(defaults).toMatchObject({ id: '36fef661-536d-477e-98c3-96ba83e5d3ac', name: { short: 'ADE Backup Bot' } });
      expect(defaults.bots[0].botId).toBe(env.BOT_ID);
      expect(fetchSpy).not.toHaveBeenCalled();
    });

    it('refuses a bot id that is not a GUID and a manifest that fails validation', async () => {
      await expect(buildAppPackage({ outDir, botAppId: 'my-bot' })).rejects.toThrow(/GUID/);
      await expect(buildAppPackage({ outDir, env: { TEAMS_APP_ID: 'x' } })).rejects.toThrow(
        /TEAMS_APP_ID must be a GUID/,
      );

      const broken = path.join(outDir, 'src');
      mkdirSync(broken);
      for (const file of ['color.png', 'outline.png', 'zh-TW.json'])
        copyFileSync(path.join(APP_PACKAGE_DIR, file), path.join(broken, file));
      writeFileSync(path.join(broken, 'manifest.json'), JSON.stringify({ ...readManifest(), accentColor: 'blue' }));
      await expect(buildAppPackage({ sourceDir: broken, outDir })).rejects.toThrow(/accentColor/);
      expect(existsSync(path.join(outDir, 'appPackage.zip'))).toBe(false);
    });
  });
});
