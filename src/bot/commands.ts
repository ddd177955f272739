import type { TurnContext } from 'botbuilder';
import type { MessageKey } from '../i18n';
import type { AppTurnState } from './state';

/** Handles a typed command; `args` is the text after the command's name (trimmed, possibly empty). */
export type CommandHandler = (ctx: TurnContext, state: AppTurnState, args: string) => Promise<void>;

export interface Command {
  /** What users type, one or more words: `enable backup`. */
  name: string;
  aliases?: string[];
  /** As shown on the help card: `enable backup [vm]`. */
  usage: string;
  description: MessageKey;
  /**
   * Absent while the flow is not built yet: the command is listed as planned and answered as such. Read at each turn,
   * so a flow can plug its handler into a planned command (`plug`) after the routes are registered.
   */
  handler?: CommandHandler;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The commands users can type, in help-card order. Later flows plug in by adding their command, or a handler to a
 * planned one (`plug`); routing and the help card read this list at each turn.
 */
export class CommandRegistry {
  private readonly commands: Command[] = [];

  add(command: Command): this {
    const taken = this.commands.find((c) => this.words(c).some((w) => this.words(command).includes(w)));
    if (taken) throw new Error(`Command '${command.name}' clashes with '${taken.name}'.`);
    this.commands.push(command);
    return this;
  }

  list(): readonly Command[] {
    return this.commands;
  }

  /** Gives a planned command its handler (and, optionally, a more precise usage); false if no such command. */
  plug(name: string, handler: CommandHandler, usage?: string): boolean {
    const command = this.commands.find((c) => c.name === name);
    if (!command) return false;
    command.handler = handler;
    if (usage) command.usage = usage;
    return true;
  }

  /** The first command (in list order) the text starts with, and its arguments. */
  match(text: string | undefined): { command: Command; args: string } | undefined {
    for (const command of this.commands) {
      const m = this.pattern(command).exec(text ?? '');
      if (m) return { command, args: (m[1] ?? '').trim() };
    }
    return undefined;
  }

  /** Matches the command at the start of the text, followed by nothing or by whitespace and arguments. */
  pattern(command: Command): RegExp {
    const names = this.words(command).map((w) => w.split(/\s+/).map(escape).join('\\s+'));
    return new RegExp(`^\\s*(?:${names.join('|')})(?:\\s+([\\s\\S]*))?$`, 'i');
  }

  private words(command: Command): string[] {
    return [command.name, ...(command.aliases ?? [])].map((w) => w.toLowerCase());
  }
}
