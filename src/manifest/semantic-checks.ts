import { formatLocation, type SourceLocation } from '../errors.js';
import type { FieldLocations } from './field-locations.js';
import { issue, type ManifestIssue } from './issues.js';
import type { CommandDeclaration, GuildDeclaration, Manifest, SlashOption, WebhookDeclaration } from './types.js';

/**
 * Rules the schema cannot express, run on the merged manifest so they hold across files:
 * duplicates, a channel under two guilds, references between declarations, and Discord's
 * rules for command names and slash options. Each issue points at the exact field.
 */
export function checkManifest(manifest: Manifest, fields: FieldLocations, options: CheckOptions = {}): ManifestIssue[] {
  const issues: ManifestIssue[] = [];
  const at = (declaration: object, field?: string) => fields.at(declaration, field);
  const add: Add = (code, message, declaration, field, severity = 'error') => {
    const path = fields.pointer(declaration, field);
    issues.push(issue(code, message, at(declaration, field), { ...(path !== undefined ? { path } : {}), severity }));
  };

  checkWebhooksAcrossGuilds(manifest.guilds, at, add);
  for (const guild of manifest.guilds) {
    checkWebhookNames(guild.webhooks, add);
    // A guild with declarations left out for schema errors cannot tell a missing webhook from a broken one.
    checkCommands(guild, at, add, !options.incomplete?.guilds.has(guild));
  }
  if (manifest.guilds.length === 0 && !options.incomplete) {
    issues.push(issue('no_guilds', 'the manifest declares no guilds, so plan and apply have nothing to do', undefined, { severity: 'warning' }));
  }
  return issues;
}

export interface CheckOptions {
  /**
   * Present when declarations were left out for schema errors (or a file was not read):
   * checks that need the whole picture — a reference to a webhook, "no guilds" — are skipped
   * for `guilds` (those with declarations left out) or altogether.
   */
  incomplete?: { guilds: ReadonlySet<GuildDeclaration> };
}

type At = (declaration: object, field?: string) => SourceLocation | undefined;
type Add = (code: string, message: string, declaration: object, field?: string, severity?: 'error' | 'warning') => void;

/** `file:line:col` of another declaration, for messages that name both places. */
function where(location: SourceLocation | undefined): string {
  return location ? formatLocation(location) : 'another place';
}

function checkWebhooksAcrossGuilds(guilds: GuildDeclaration[], at: At, add: Add): void {
  const byChannelName = new Map<string, WebhookDeclaration>();
  const guildOfChannel = new Map<string, WebhookDeclaration>();
  const byId = new Map<string, WebhookDeclaration>();
  for (const guild of guilds) {
    for (const webhook of guild.webhooks) {
      // A name (`#deploys`) is per guild; only an id names one channel everywhere.
      const owner = webhook.channelName === undefined ? guildOfChannel.get(webhook.channel) : undefined;
      if (owner && owner.guildId !== webhook.guildId) {
        add('channel_in_two_guilds', `channel ${webhook.channel} is listed under guild ${webhook.guildId} here and under guild ${owner.guildId} at ${where(at(owner, 'channel'))}; a channel belongs to one guild`, webhook, 'channel');
      } else if (!owner && webhook.channelName === undefined) {
        guildOfChannel.set(webhook.channel, webhook);
      }
      const key = `${webhook.channel}\0${webhook.name}`;
      const first = byChannelName.get(key);
      if (first) {
        add('webhook_duplicate', `webhook ${JSON.stringify(webhook.name)} in channel ${webhook.channel} is declared twice: first at ${where(at(first, 'name'))}`, webhook, 'name');
      } else {
        byChannelName.set(key, webhook);
      }
      if (webhook.id !== undefined) {
        const adopter = byId.get(webhook.id);
        if (adopter) add('webhook_id_duplicate', `webhook id ${webhook.id} is already adopted at ${where(at(adopter, 'id'))}; one declaration per webhook`, webhook, 'id');
        else byId.set(webhook.id, webhook);
      }
    }
  }
}

function checkWebhookNames(webhooks: WebhookDeclaration[], add: Add): void {
  for (const webhook of webhooks) {
    if (webhook.name !== webhook.name.trim()) {
      add('webhook_name_whitespace', `webhook name ${JSON.stringify(webhook.name)} starts or ends with whitespace, which Discord trims; the plan would never converge`, webhook, 'name');
    }
    if (webhook.renamedFrom !== undefined && webhook.renamedFrom === webhook.name) {
      add('renamed_from_same', `renamed_from is the same as the name ${JSON.stringify(webhook.name)}; remove it`, webhook, 'renamed_from', 'warning');
    }
  }
}

function checkCommands(guild: GuildDeclaration, at: At, add: Add, complete: boolean): void {
  const byName = new Map<string, CommandDeclaration>();
  for (const command of guild.commands) {
    const first = byName.get(command.name);
    if (first) add('command_duplicate', `command ${JSON.stringify(command.name)} is declared twice in guild ${guild.id}: first at ${where(at(first, 'name'))}`, command, 'name');
    else byName.set(command.name, command);
    if (command.name !== command.name.toLowerCase()) {
      add('command_name_invalid', `command name ${JSON.stringify(command.name)} must be lowercase (Discord's rule for command names); write ${JSON.stringify(command.name.toLowerCase())}`, command, 'name');
    }
    if (command.slash) checkSlashOptions(command.slash.options, add);
    command.actions.forEach((action) => {
      if (action.type !== 'EXECUTE_WEBHOOK') return;
      const matches = guild.webhooks.filter((webhook) => webhook.name === action.webhook);
      if (matches.length === 0 && complete) {
        const names = guild.webhooks.map((webhook) => JSON.stringify(webhook.name));
        add('execute_webhook_unknown', `EXECUTE_WEBHOOK names webhook ${JSON.stringify(action.webhook)}, which guild ${guild.id} does not declare${names.length > 0 ? `; declared: ${names.join(', ')}` : ''}`, action, 'webhook');
      } else if (matches.length > 1) {
        add('execute_webhook_ambiguous', `EXECUTE_WEBHOOK names webhook ${JSON.stringify(action.webhook)}, which guild ${guild.id} declares in ${matches.length} channels (${matches.map((w) => w.channel).join(', ')}); give them distinct names`, action, 'webhook');
      }
    });
  }
}

/** Discord's rules: unique names, required options first, choices only on string/integer/number of that type. */
function checkSlashOptions(options: SlashOption[], add: Add): void {
  const seen = new Set<string>();
  let optionalSeen = false;
  for (const option of options) {
    if (seen.has(option.name)) add('slash_option_duplicate', `slash option ${JSON.stringify(option.name)} is declared twice`, option, 'name');
    seen.add(option.name);
    if (option.required && optionalSeen) add('slash_option_order', `required option ${JSON.stringify(option.name)} comes after an optional one; Discord wants required options first`, option, 'required');
    if (!option.required) optionalSeen = true;
    if (!option.choices) continue;
    if (option.type !== 'string' && option.type !== 'integer' && option.type !== 'number') {
      add('slash_choices_invalid', `choices are only allowed on string, integer and number options, not ${option.type}`, option, 'choices');
      continue;
    }
    option.choices.forEach((choice) => {
      const ok = option.type === 'string' ? typeof choice.value === 'string' : typeof choice.value === 'number' && (option.type === 'number' || Number.isInteger(choice.value));
      if (!ok) add('slash_choices_invalid', `choice ${JSON.stringify(choice.name)} has value ${JSON.stringify(choice.value)}, which is not a valid ${option.type}`, option, 'choices');
    });
  }
}
