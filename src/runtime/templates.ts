/**
 * Template substitution for manifest strings: `{{author.id}}`, `{{author.username}}`,
 * `{{content}}`, `{{args}}`, `{{channel_id}}`, `{{guild_id}}`, plus CloudCord's
 * `<author:id>` and `<author:username>`.
 *
 * Plain string substitution in one pass: values are inserted verbatim and never
 * re-scanned, so a user typing `{{content}}` into a message cannot expand anything, and
 * there is no expression syntax at all (no code execution). Unknown placeholders are left
 * as written so that a typo is visible in the output rather than silently empty.
 */
export interface TemplateContext {
  authorId: string;
  authorUsername: string;
  content: string;
  args: string;
  channelId: string;
  guildId: string;
}

const PLACEHOLDER = /\{\{\s*(author\.id|author\.username|content|args|channel_id|guild_id)\s*\}\}|<author:(id|username)>/g;

export function renderTemplate(template: string, context: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_match, name: string | undefined, cloudcord: string | undefined) => {
    const key = name ?? `author.${cloudcord ?? ''}`;
    switch (key) {
      case 'author.id':
        return context.authorId;
      case 'author.username':
        return context.authorUsername;
      case 'content':
        return context.content;
      case 'args':
        return context.args;
      case 'channel_id':
        return context.channelId;
      case 'guild_id':
        return context.guildId;
      default:
        return _match;
    }
  });
}

/** Renders every string inside a JSON-like value (embeds), returning a copy. */
export function renderTemplateDeep<T>(value: T, context: TemplateContext): T {
  if (typeof value === 'string') return renderTemplate(value, context) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => renderTemplateDeep(item, context)) as T;
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = renderTemplateDeep(item, context);
    return out as T;
  }
  return value;
}
