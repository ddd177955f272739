/**
 * Text from outside the bot (alert descriptions, Azure's error text, a person's reason) as literal text in an
 * Adaptive Card TextBlock, whose text is Markdown: every character Markdown gives a meaning to in Teams' subset
 * (links, emphasis, code, headings, lists, HTML-like brackets) is backslash-escaped, as CommonMark defines escapes
 * (https://spec.commonmark.org/0.31.2/#backslash-escapes), and `scheme://` is broken up so clients do not turn a bare
 * URL into a link. `[Click to fix](https://evil.example)` then shows as those characters, not as a link.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]()<>#~|!{}]/g, '\\$&').replace(/\b([a-z][a-z0-9+.-]*):\/\//gi, '$1\\://');
}
