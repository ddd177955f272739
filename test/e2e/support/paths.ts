import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import path from 'node:path';

export const ROOT = path.resolve(__dirname, '../../..');

/** Screenshots and stack logs of the e2e run (git-ignored). */
export const OUTPUT_DIR = path.join(ROOT, 'test-output', 'e2e');

/** Removes what an earlier run of this scenario left, so every file there is from this run. */
export function cleanScenarioOutput(scenario: string): void {
  mkdirSync(OUTPUT_DIR, { recursive: true });
  for (const file of readdirSync(OUTPUT_DIR)) {
    if (file.startsWith(`${scenario}-`) || file.startsWith(`${scenario}.`)) rmSync(path.join(OUTPUT_DIR, file));
  }
}

/** `Click "Confirm"` -> `click-confirm`: a step name as a file name part. */
export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60) || 'step'
  );
}
