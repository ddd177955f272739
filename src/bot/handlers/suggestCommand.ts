import { distance } from '../../dialogs/suggest';
import type { CommandRegistry } from '../commands';

/**
 * The command a mistyped message most likely meant (`enabel backup vm-web-01` -> `enable backup`): each command
 * name or alias compared with as many leading words of the text, within one edit per three letters (at most two).
 * Undefined when nothing is that close, or two commands are equally close.
 */
export function suggestCommand(commands: CommandRegistry, text: string): string | undefined {
  const typed = text.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (!typed.length) return undefined;
  let best: { name: string; d: number } | undefined;
  let tie = false;
  for (const command of commands.list()) {
    for (const word of [command.name, ...(command.aliases ?? [])].map((w) => w.toLowerCase())) {
      const n = word.split(/\s+/).length;
      if (typed.length < n) continue;
      const max = Math.min(2, Math.floor(word.length / 3));
      const d = distance(typed.slice(0, n).join(' '), word, max);
      if (d > max) continue;
      if (!best || d < best.d) {
        best = { name: command.name, d };
        tie = false;
      } else if (d === best.d && best.name !== command.name) tie = true;
    }
  }
  return best && !tie ? best.name : undefined;
}
