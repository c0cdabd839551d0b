/**
 * `cordform import`: live webhooks → a commented manifest (YAML text). Pure: the caller
 * reads Discord; this only decides what to declare and writes it with the `yaml` package's
 * Document API, so every decision is explained in a comment next to it.
 *
 * The contract: `cordform plan` right after importing shows no changes.
 * - Owned webhooks (created by the bot) are declared by (channel, name), as cordform
 *   matches them.
 * - Webhooks the bot does not own are left out by default — cordform ignores undeclared
 *   foreign webhooks, so leaving them out changes nothing either. `--all` pins them with
 *   `id:` (adopted as they are, no field changes); that is a decision to let the manifest
 *   manage someone else's webhook, so the user makes it explicitly, never the tool.
 * - Channel-follower and application webhooks (types 2/3) are never managed: left out,
 *   listed in a comment.
 * - Avatars cannot be downloaded here, so a webhook with one gets `avatar: keep` (the live
 *   avatar is never compared or removed) and a comment with its hash.
 * - Owned webhooks that cannot be declared (outside `--channel`, or a second webhook with
 *   the same name in one channel) would be pruned by the next apply; the guild then gets
 *   `prune: false`, with a comment saying why.
 */
import { Document, isScalar, isSeq, type Node, type YAMLMap, type YAMLSeq } from 'yaml';
import { CordformError } from '../errors.js';
import type { APIChannel, APIUser, APIWebhook } from '../discord/types.js';
import { KEEP_AVATAR } from '../manifest/normalize.js';

export interface ImportInput {
  guildId: string;
  /** `GET /users/@me`: decides which webhooks are owned. */
  bot: APIUser;
  /** The bot's application (type 1 webhooks created through the app count as owned). */
  applicationId: string;
  /** `GET /guilds/{id}/webhooks`. */
  webhooks: readonly APIWebhook[];
  /** `GET /guilds/{id}/channels` for names and ordering; null when not read. */
  channels: readonly APIChannel[] | null;
  /** `--channel`: only these channels (empty = every channel). */
  channelIds?: readonly string[];
  /** `--all`: also pin webhooks the bot does not own. */
  includeForeign?: boolean;
  /** The command line, recorded in the header comment. */
  command?: string;
}

export interface ImportSummary {
  /** Owned webhooks declared by (channel, name). */
  owned: number;
  /** Foreign webhooks pinned with `id:` (`--all`). */
  pinned: number;
  /** Foreign webhooks left out (no `--all`). */
  foreignLeftOut: number;
  /** Channel-follower / application webhooks left out. */
  unmanageable: number;
  /** Owned webhooks that could not be declared (so the guild gets `prune: false`). */
  ownedLeftOut: number;
}

export interface ImportResult {
  yaml: string;
  summary: ImportSummary;
}

type Kind = 'owned' | 'foreign' | 'unmanageable';

interface Entry {
  webhook: APIWebhook;
  kind: Kind;
}

export function importManifest(input: ImportInput): ImportResult {
  const summary: ImportSummary = { owned: 0, pinned: 0, foreignLeftOut: 0, unmanageable: 0, ownedLeftOut: 0 };
  const filter = new Set(input.channelIds ?? []);
  const inScope = (webhook: APIWebhook) => filter.size === 0 || (webhook.channel_id !== null && filter.has(webhook.channel_id));
  const channels = new Map((input.channels ?? []).map((channel) => [channel.id, channel]));
  const entries = input.webhooks.map((webhook): Entry => ({ webhook, kind: kindOf(webhook, input) }));
  summary.ownedLeftOut = entries.filter((e) => e.kind === 'owned' && !inScope(e.webhook)).length;

  const declared: Entry[] = [];
  const leftOut: string[] = [];
  const taken = new Set<string>();
  const what = ({ webhook }: Entry) => `"${webhook.name ?? ''}" (${webhook.id}) in ${channelLabel(webhook.channel_id, channels)}`;
  // Owned webhooks first, so that they win a (channel, name) that a foreign one also has.
  const ordered = sortEntries(entries, channels);
  for (const entry of [...ordered.filter((e) => e.kind === 'owned'), ...ordered.filter((e) => e.kind !== 'owned')]) {
    const { webhook, kind } = entry;
    const identity = `${webhook.channel_id ?? ''}\0${webhook.name ?? ''}`;
    if (!inScope(webhook)) {
      if (kind === 'owned') leftOut.push(`${what(entry)}: created by this bot, outside --channel`);
    } else if (kind === 'unmanageable') {
      summary.unmanageable++;
      const type = webhook.type === 2 ? 'channel-follower (type 2)' : 'application (type 3)';
      leftOut.push(`${type} webhook ${what(entry)}: cordform cannot manage those`);
    } else if (webhook.channel_id === null || webhook.name === null || webhook.name === '') {
      if (kind === 'owned') summary.ownedLeftOut++;
      leftOut.push(`webhook ${webhook.id} has no channel or name`);
    } else if (kind === 'foreign' && !input.includeForeign) {
      summary.foreignLeftOut++;
      leftOut.push(`${what(entry)}: not created by this bot; import with --all to pin it with id:`);
    } else if (taken.has(identity)) {
      if (kind === 'owned') summary.ownedLeftOut++;
      else summary.foreignLeftOut++;
      leftOut.push(`${what(entry)}: another webhook in this channel has the same name, and a manifest declares each (channel, name) once; rename one in Discord to manage both`);
    } else {
      taken.add(identity);
      if (kind === 'owned') summary.owned++;
      else summary.pinned++;
      declared.push(entry);
    }
  }
  return { yaml: renderManifest(input, sortEntries(declared, channels), leftOut, summary, channels), summary };
}

function kindOf(webhook: APIWebhook, input: ImportInput): Kind {
  if (webhook.type !== 1) return 'unmanageable';
  // The same rule as the planner's ownership (src/plan/ownership.ts): the creator, else the application.
  const owned =
    webhook.user !== undefined
      ? webhook.user.id === input.bot.id
      : webhook.application_id !== null && webhook.application_id === input.applicationId;
  return owned ? 'owned' : 'foreign';
}

/** By channel (Discord's position when channels were read, else id), then name, then id. */
function sortEntries(entries: Entry[], channels: ReadonlyMap<string, APIChannel>): Entry[] {
  const position = (id: string | null) => (id === null ? Number.MAX_SAFE_INTEGER : channels.get(id)?.position ?? Number.MAX_SAFE_INTEGER);
  const byId = (a: string, b: string) => (a.length - b.length) || (a < b ? -1 : a > b ? 1 : 0);
  return [...entries].sort(
    (a, b) =>
      position(a.webhook.channel_id) - position(b.webhook.channel_id) ||
      byId(a.webhook.channel_id ?? '', b.webhook.channel_id ?? '') ||
      (a.webhook.name ?? '').localeCompare(b.webhook.name ?? '', 'en') ||
      byId(a.webhook.id, b.webhook.id),
  );
}

function channelLabel(id: string | null, channels: ReadonlyMap<string, APIChannel>): string {
  if (id === null) return 'no channel';
  const name = channels.get(id)?.name;
  return name === undefined ? `channel ${id}` : `#${name} (${id})`;
}

function renderManifest(
  input: ImportInput,
  declared: readonly Entry[],
  leftOut: readonly string[],
  summary: ImportSummary,
  channels: ReadonlyMap<string, APIChannel>,
): string {
  const doc = new Document({ version: 1, discord: { token: '${DISCORD_BOT_TOKEN}' }, guilds: [] });
  doc.commentBefore = header(input, summary);
  const guild = doc.createNode({ id: input.guildId, ...(summary.ownedLeftOut > 0 ? { prune: false } : {}), webhooks: [] }) as YAMLMap;
  if (summary.ownedLeftOut > 0) {
    commentKey(
      guild,
      'prune',
      ` ${summary.ownedLeftOut} webhook(s) created by this bot are not declared below (listed at the end);\n` +
        ' prune: false keeps apply from deleting them. Remove it once every owned webhook is declared.',
    );
  }
  const webhooks = guild.get('webhooks', true);
  if (!isSeq(webhooks)) throw new CordformError('internal_unreachable', 'import: webhooks is not a sequence', { fault: 'tool' });
  let channel: string | null | undefined;
  for (const entry of declared) {
    const node = webhookNode(doc, entry);
    if (entry.webhook.channel_id !== channel) {
      channel = entry.webhook.channel_id;
      node.commentBefore = ` ${channelLabel(channel, channels)}`;
      if (webhooks.items.length > 0) node.spaceBefore = true;
    }
    webhooks.items.push(node);
  }
  const leftOutComment = leftOut.length === 0 ? undefined : ` Left out:\n${leftOut.map((line) => `   - ${line}`).join('\n')}`;
  if (leftOutComment !== undefined) {
    if (webhooks.items.length > 0) webhooks.comment = leftOutComment;
    else commentKey(guild, 'webhooks', leftOutComment);
  }
  (doc.get('guilds') as YAMLSeq).items.push(guild);
  return doc.toString({ lineWidth: 0 });
}

function webhookNode(doc: Document, { webhook, kind }: Entry): YAMLMap {
  const value: Record<string, string> = { name: webhook.name ?? '', channel: webhook.channel_id ?? '' };
  if (webhook.avatar !== null) value.avatar = KEEP_AVATAR;
  if (kind === 'foreign') value.id = webhook.id;
  const node = doc.createNode(value) as YAMLMap;
  if (webhook.avatar !== null) {
    const avatar = node.get('avatar', true) as Node;
    avatar.comment = ` set in Discord (hash ${webhook.avatar}); replace keep with a file path to manage it`;
  }
  if (kind === 'foreign') {
    const creator = webhook.user ? `user ${webhook.user.id}` : `application ${webhook.application_id ?? '?'}`;
    commentKey(node, 'id', ` not created by this bot (created by ${creator}): pinned so cordform adopts it without changes`);
  }
  return node;
}

/** A comment line above `key:` in a map. */
function commentKey(map: YAMLMap, key: string, comment: string): void {
  const pair = map.items.find((item) => isScalar(item.key) && item.key.value === key);
  if (pair && isScalar(pair.key)) pair.key.commentBefore = comment;
}

function header(input: ImportInput, summary: ImportSummary): string {
  const lines = [
    ` Imported from Discord by \`${input.command ?? `cordform import --guild ${input.guildId}`}\`.`,
    ' `cordform plan` against this file shows no changes; edit it and plan again to manage the webhooks.',
    ` Created by this bot: ${summary.owned} webhook(s), declared by channel and name.`,
    input.includeForeign
      ? ` Created by others: ${summary.pinned} webhook(s), pinned with id: and adopted as they are.`
      : ` Created by others: ${summary.foreignLeftOut} webhook(s), left out (cordform ignores them; --all pins them with id:).`,
    ' The token is read from the environment: export DISCORD_BOT_TOKEN=...',
  ];
  return lines.join('\n');
}
