import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AppManifestUtils } from '@microsoft/app-manifest';
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { APP_PACKAGE_DIR, PLACEHOLDER_BOT_ID, buildAppPackage } from '../../scripts/zip-app-package';
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

  it('manifest.json validates against its bundled Teams schema, offline', async () => {
    const [manifest, errors] = await AppManifestUtils.readAndValidateTeamsManifest(MANIFEST_FILE);
    expect(errors).toEqual([]);
    expect(manifest.manifestVersion).toBe('1.22');
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('the same validation rejects a broken manifest (a 31-character short name)', async () => {
    const errors = await AppManifestUtils.validateAgainstSchema({ ...readManifest(), name: { short: 'x'.repeat(31) } });
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

    it('zips exactly manifest.json and both icons at the root, with the bot id substituted', async () => {
      const botAppId = '62157000-2245-476a-840e-00ce3865e865';
      const zipPath = await buildAppPackage({ outDir, botAppId });
      expect(zipPath).toBe(path.join(outDir, 'appPackage.zip'));
      const zip = await JSZip.loadAsync(readFileSync(zipPath));
      expect(Object.keys(zip.files).sort()).toEqual(['color.png', 'manifest.json', 'outline.png']);
      const packed = JSON.parse(await zip.file('manifest.json')!.async('string'));
      expect(packed.bots[0].botId).toBe(botAppId);
      expect(readManifest().bots[0].botId).toBe(PLACEHOLDER_BOT_ID); // the source manifest is left alone
      expect(fetchSpy).not.toHaveBeenCalled();
    });

    it('refuses a bot id that is not a GUID and a manifest that fails validation', async () => {
      await expect(buildAppPackage({ outDir, botAppId: 'my-bot' })).rejects.toThrow(/GUID/);

      const broken = path.join(outDir, 'src');
      mkdirSync(broken);
      for (const file of ['color.png', 'outline.png'])
        copyFileSync(path.join(APP_PACKAGE_DIR, file), path.join(broken, file));
      writeFileSync(path.join(broken, 'manifest.json'), JSON.stringify({ ...readManifest(), accentColor: 'blue' }));
      await expect(buildAppPackage({ sourceDir: broken, outDir })).rejects.toThrow(/accentColor/);
      expect(existsSync(path.join(outDir, 'appPackage.zip'))).toBe(false);
    });
  });
});
