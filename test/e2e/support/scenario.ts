import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Locator } from 'playwright-core';
import { launchBrowser, type Browser } from './browser';
import { cleanScenarioOutput, OUTPUT_DIR, slug } from './paths';
import { Playground } from './playground';
import { startStack, type Stack } from './stack';

export interface Scenario {
  readonly id: string;
  readonly stack: Stack;
  /** The operator's Playground (Alex Wilber), opened before the test starts. */
  readonly operator: Playground;
  /** The approver's Playground (Megan Bowen), opened on first use. */
  approver(): Promise<Playground>;
  /**
   * Runs one step as a person would do it. A failure names the scenario and the step and keeps a screenshot of every
   * open Playground in test-output/e2e/<scenario>-<step>[-<who>].png.
   */
  step<T>(name: string, run: () => Promise<T>): Promise<T>;
  /** Saves one card alone as test-output/e2e/<scenario>-<name>.png (a picture for a reader, mid-scenario). */
  snapshot(name: string, card: Locator): Promise<void>;
  /** Saves the final state: each open Playground's window, and `card` alone (the picture a reader looks at). */
  finish(card?: Locator): Promise<void>;
}

/**
 * Declares one end-to-end scenario: before its test, a fresh `npm start` stack (fresh sandbox world, fresh SQLite)
 * and a fresh Chromium with the operator's Playground open; after it, everything stopped, also on failure.
 */
export function scenario(id: string): Scenario {
  let stack: Stack | undefined;
  let browser: Browser | undefined;
  let operator: Playground | undefined;
  let approver: Playground | undefined;
  const open = () => [operator, approver].filter((p): p is Playground => p !== undefined);

  const shoot = async (name: string) => {
    const pages = open();
    const files: string[] = [];
    for (const p of pages) {
      const file = path.join(OUTPUT_DIR, `${id}-${name}${pages.length > 1 ? `-${p.who}` : ''}.png`);
      await p.page.screenshot({ path: file }).then(
        () => files.push(path.relative(process.cwd(), file)),
        () => undefined,
      );
    }
    return files;
  };

  const timings: string[] = [];
  const step = async <T>(name: string, run: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    try {
      const result = await run();
      timings.push(`${String(Date.now() - started).padStart(7)} ms  ${name}`);
      return result;
    } catch (err) {
      timings.push(`${String(Date.now() - started).padStart(7)} ms  ${name}  (FAILED)`);
      const shots = await shoot(slug(name));
      const said = await Promise.all(
        open().map(async (p) => {
          const lines = await p.logTail().catch(() => []);
          return lines.length ? `\n  the ${p.who}'s Playground log ends:\n    ${lines.join('\n    ')}` : '';
        }),
      );
      const where = shots.length ? `\n  screenshot: ${shots.join(', ')}` : '';
      const failure = new Error(
        `Scenario ${id}, step "${name}" failed: ${(err as Error).message}${said.join('')}${where}`,
      );
      failure.stack = `${failure.message}\n${(err as Error).stack ?? ''}`;
      throw failure;
    }
  };

  beforeAll(async () => {
    cleanScenarioOutput(id);
    stack = await step('start npm start', () => startStack(path.join(OUTPUT_DIR, `${id}.stack.log`)));
    browser = await step('launch Chromium', () => launchBrowser());
    const page = await browser.context.newPage();
    operator = new Playground('operator', page, stack.operatorUrl);
    await step("open the operator's Playground", () => operator!.open());
  });

  afterAll(async () => {
    const started = Date.now();
    await browser?.close();
    await stack?.stop();
    timings.push(`${String(Date.now() - started).padStart(7)} ms  stop Chromium and the stack`);
    writeFileSync(path.join(OUTPUT_DIR, `${id}.steps.log`), `${timings.join('\n')}\n`);
  });

  const required = <T>(value: T | undefined, what: string): T => {
    if (value === undefined) throw new Error(`Scenario ${id}: ${what} did not start (see the beforeAll failure).`);
    return value;
  };

  return {
    id,
    get stack() {
      return required(stack, 'the stack');
    },
    get operator() {
      return required(operator, "the operator's Playground");
    },
    async approver() {
      if (!approver) {
        const page = await required(browser, 'Chromium').context.newPage();
        const opened = new Playground('approver', page, required(stack, 'the stack').approverUrl);
        await step("open the approver's Playground", () => opened.open());
        approver = opened;
      }
      return approver;
    },
    step,
    snapshot: (name, card) => step(`save the ${name} picture`, () => cardPicture(card, `${id}-${name}.png`)),
    async finish(card?: Locator) {
      if (card) await step('save the final card picture', () => cardPicture(card, `${id}-card.png`));
      await shoot('final');
    },
  };
}

/** One card alone. A card taller than the chat pane is cut by the Playground's header: the window grows to fit it. */
async function cardPicture(card: Locator, file: string): Promise<void> {
  const page = card.page();
  const viewport = page.viewportSize()!;
  const box = await card.boundingBox();
  const needed = Math.ceil((box?.height ?? 0) + 400);
  if (needed > viewport.height) await page.setViewportSize({ width: viewport.width, height: needed });
  try {
    await card.scrollIntoViewIfNeeded();
    await card.screenshot({ path: path.join(OUTPUT_DIR, file) });
  } finally {
    if (needed > viewport.height) await page.setViewportSize(viewport);
  }
}
