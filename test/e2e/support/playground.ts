import type { Locator, Page } from 'playwright-core';

/**
 * How long the page may take to show a bot's answer to a turn. The turn itself answers in well under a second; the
 * margin is for a loaded machine (two cores shared with other work: the Playground's 9 MB bundle alone can take 20 s).
 */
export const TURN_MS = 45_000;
/** How long a followed Azure job may take in the sandbox (seconds there; minutes in Azure). */
export const JOB_MS = 120_000;
/** Loading the Playground page (its bundle is 9 MB). */
const LOAD_MS = 90_000;

/** The conversations of the Playground's left rail (scripts/playground.ts names them). */
export type Conversation = 'Personal Chat' | 'On-call' | 'Backup Ops - General' | 'Backup Ops - Backup alerts';

/**
 * One person's Microsoft 365 Agents Playground (0.2.28), driven as that person would: pick a conversation, type in the
 * box and press Enter, read the rendered Adaptive Cards, click their buttons and choices. Cards are found by the id of
 * their first body element (`card.<name>`), which the Adaptive Cards renderer keeps as the element's DOM id.
 */
export class Playground {
  constructor(
    readonly who: string,
    readonly page: Page,
    private readonly url: string,
  ) {}

  /** Opens the Playground and waits until it says it is connected to the bot. */
  async open(): Promise<void> {
    this.page.setDefaultTimeout(TURN_MS);
    await this.page.goto(this.url, { waitUntil: 'domcontentloaded', timeout: LOAD_MS });
    await this.page.getByText('Connected.', { exact: true }).first().waitFor({ timeout: LOAD_MS });
    await this.composer().waitFor({ timeout: TURN_MS });
  }

  async openConversation(name: Conversation): Promise<void> {
    await this.page.getByRole('treeitem', { name, exact: true }).click();
  }

  /** Every rendered card (outermost) whose first element is `card.<name>`, oldest first. */
  cards(name: string): Locator {
    return this.page.locator('.ac-adaptiveCard:not(.ac-adaptiveCard .ac-adaptiveCard)').filter({
      has: this.page.locator(`[id="card.${name}"]`),
    });
  }

  /** The newest `card.<name>` showing `text` (a card updated in place shows new text in the same place). */
  async cardShowing(name: string, text: string | RegExp, timeout = TURN_MS): Promise<Locator> {
    const card = this.cards(name).filter({ hasText: text }).last();
    await card.waitFor({ timeout });
    return card;
  }

  /**
   * Runs `action` and waits for a `card.<name>` that was not on the page before it: a reply, or an earlier card
   * replaced in place by this one. Returns that card. Fails at once when the Playground's log shows the bot answering
   * with an error status instead (a 501 for a card verb it does not handle, a 500 for a turn that threw).
   */
  async expectNewCard(name: string, action: () => Promise<unknown>, timeout = TURN_MS): Promise<Locator> {
    const before = await this.cards(name).count();
    const errors = this.logEntries().filter({ hasText: /-> User Application \S+ [45]\d\d\b/ });
    const errorsBefore = await errors.count();
    await action();
    const card = this.cards(name).nth(before);
    const error = errors.nth(errorsBefore);
    const outcome = await Promise.race([
      card.waitFor({ timeout }).then(() => 'card' as const),
      error.waitFor({ timeout: timeout + 1_000 }).then(() => 'error' as const),
    ]); // (the race handles its loser's later timeout: no unhandled rejection)
    if (outcome === 'error') {
      const line = (await error.innerText()).replace(/\s+/g, ' ').trim();
      const next = await this.logTail(2);
      throw new Error(`the bot answered with an error instead of card.${name}: ${line} ${next.at(-1) ?? ''}`);
    }
    return card;
  }

  /** Types a message in a chat's box and presses Enter. */
  async send(text: string): Promise<void> {
    const box = this.composer();
    await box.click();
    await this.page.keyboard.type(text);
    await this.page.keyboard.press('Enter');
    await this.page.locator('[data-lexical-editor="true"]', { hasText: text }).waitFor({ state: 'detached' });
  }

  /** Sends a message and returns the `card.<name>` that answers it. */
  async ask(text: string, card: string, timeout = TURN_MS): Promise<Locator> {
    return this.expectNewCard(card, () => this.send(text), timeout);
  }

  /** Starts a new post in the open channel, @mentioning the bot (in a channel a bot hears only its mentions). */
  async post(text: string, bot = 'ADE Backup'): Promise<void> {
    await this.page.getByRole('textbox').first().click();
    await this.page.keyboard.type('@');
    await this.page.locator('#typeahead-menu').getByRole('menuitem', { name: bot }).click();
    await this.page.keyboard.type(` ${text}`);
    await this.page.getByRole('button', { name: 'Post', exact: true }).click();
  }

  /** Clicks a card's button (Action.Execute / Action.Submit), by its title. */
  async click(card: Locator, title: string | RegExp): Promise<void> {
    await card.getByRole('button', { name: title, exact: typeof title === 'string' }).click();
  }

  /**
   * Runs a card button and waits for the card it leads to (the same message updated in place, or a new reply).
   * Adaptive Card buttons stay enabled while the bot answers, so the wait is on the next card, not on the button.
   */
  async clickFor(card: Locator, title: string | RegExp, next: string, timeout = TURN_MS): Promise<Locator> {
    return this.expectNewCard(next, () => this.click(card, title), timeout);
  }

  /** Picks an option of an expanded Input.ChoiceSet (a radio button, or a checkbox when several may be chosen). */
  async choose(card: Locator, label: string | RegExp): Promise<void> {
    const option = card.getByRole('radio', { name: label }).or(card.getByRole('checkbox', { name: label }));
    await option.first().check();
  }

  /** Picks an option of a compact Input.ChoiceSet (a drop-down), by the set's label and the option's title. */
  async select(card: Locator, label: string | RegExp, option: string | RegExp): Promise<void> {
    await card.getByRole('combobox', { name: label }).click();
    await this.page.getByRole('option', { name: option }).first().click();
  }

  /** Fills an Input.Text (by its placeholder or label). */
  async fill(card: Locator, label: string | RegExp, value: string): Promise<void> {
    await card.getByPlaceholder(label).or(card.getByLabel(label)).first().fill(value);
  }

  /**
   * The last lines of the Playground's log panel (every activity both ways, with its HTTP status and a message's
   * text): what a failure report shows of what the bot last did.
   */
  async logTail(lines = 4): Promise<string[]> {
    const texts = await this.logEntries().allInnerTexts();
    return texts
      .map((t) => t.replace(/\s+/g, ' ').trim().slice(0, 300))
      .filter(Boolean)
      .slice(-lines);
  }

  private logEntries(): Locator {
    return this.page.locator('[contenteditable="true"][spellcheck="false"] > div');
  }

  /** The chat box of a personal or group chat. */
  private composer(): Locator {
    return this.page.locator('[data-lexical-editor="true"][role="textbox"]').last();
  }
}
