/**
 * `--format json` and `plan --out PLAN.json`: the Plan itself, pretty-printed. The shape is
 * versioned by `format_version` and documented in PLAN_JSON_DOCS (pasted into README).
 */
import type { Plan } from './plan-types.js';

export function renderJson(plan: Plan): string {
  return JSON.stringify(plan, null, 2);
}

export const PLAN_JSON_DOCS = `
### Plan JSON (\`cordform plan --format json\`, \`cordform plan --out plan.json\`)

\`format_version: 2\`. Fields may be added in a minor release; anything removed or changed in
meaning bumps \`format_version\`, and \`cordform apply\` refuses plan files of another version.
The plan contains no secrets: no bot token, no webhook token or URL, no avatar image data.
Discord field names keep Discord's snake_case; the plan's own fields are camelCase.

| field | meaning |
|---|---|
| \`format_version\` | \`2\` |
| \`targets\` | the \`--target\` list the plan was limited to; \`[]\` = full plan |
| \`changes[]\` | changes in execution order (see below) |
| \`summary\` | \`{create, update, move, delete, adopt, replace, commands}\` — counts; a replacement counts only as \`replace\`; \`commands\` = guilds whose slash commands are overwritten |
| \`blockers[]\` | \`{code, message, guildId, key?, location?}\` — apply refuses to start while any exist. Codes: \`guild_not_read\`, \`channel_missing\`, \`channel_not_webhook_capable\`, \`channel_limit\` (15 per channel), \`guild_limit\` (1000 per guild), \`pin_missing\`, \`pin_untouchable\` (types 2/3), \`double_claim\`, \`rename_ambiguous\` (\`renamed_from\` names owned webhooks in several channels), \`missing_permissions\` |
| \`warnings[]\` | \`{code, message, guildId?, key?, location?}\`. Codes: \`partial_plan\`, \`rename_hint\`, \`rename_unmatched\` (\`renamed_from\` matched nothing: the webhook is created), \`adopt_hint\`, \`ambiguous_move\`, \`delete\`, \`adopt\`, \`avatar_hash\`, \`commands_not_read\` |
| \`ignored[]\` | live webhooks left alone: \`{webhookId, guildId, name, channelId, class, reason}\`, \`class\` ∈ \`managed\` (prune: false), \`foreign\`, \`channel_follower\`, \`application\` |
| \`thresholds[]\` | per guild \`{guildId, owned, updates, deletes, minExisting, updatePercent, deletePercent, requiresForce}\`; \`requiresForce\` = owned ≥ minExisting and (updates/owned > updatePercent or deletes/owned > deletePercent) |
| \`fingerprints\` | \`{live, manifest}\` — sha256 hex of the normalised live state of the declared guilds and of the manifest without secrets. \`apply PLAN.json\` refuses when the manifest fingerprint differs or any change is not in a fresh plan (e.g. its \`precondition\` no longer holds); the live fingerprint is informational (an unrelated change elsewhere in the guild does not make a plan stale) |
| \`location\` | \`{file, line, column}\` in the manifest (1-based) |

Every change has \`action\`, \`key\`, \`guildId\`, \`channelId\`, \`name\`, \`ownership\`
(\`managed\` \\| \`adopted\` \\| \`foreign\`), \`fields\`, \`request\`, \`precondition\`, and optionally
\`location\`, \`reason\` (sent as \`X-Audit-Log-Reason\`) and \`note\`.

| action | meaning | request |
|---|---|---|
| \`create\` | new webhook | \`POST /channels/{channel.id}/webhooks\`, body \`{name, avatar?}\` |
| \`update\` | rename and/or avatar of a managed webhook | \`PATCH /webhooks/{webhook.id}\`, body = changed fields only |
| \`move\` | channel change (keeps id, URL, token) | \`PATCH /webhooks/{webhook.id}\` with \`channel_id\` |
| \`adopt\` | an \`id:\` pin taking over a webhook the bot did not create | \`PATCH /webhooks/{webhook.id}\` |
| \`delete\` | prune of an undeclared managed webhook | \`DELETE /webhooks/{webhook.id}\`, body \`null\` |
| \`replace\` | a webhook deleted and one of the same name created in the guild: **the URL changes** (also \`cordform rotate\`) | \`request\`: the create; \`deleteRequest\`: the delete of \`webhookId\`; \`order\`: \`create_first\` or \`delete_first\` (a full channel); \`createPrecondition\`; \`why\` |
| \`sync_commands\` | slash commands differ: one bulk overwrite | \`PUT /applications/{application.id}/guilds/{guild.id}/commands\`, body = all declared commands |

- \`key\`: \`GUILD_ID/CHANNEL_ID/NAME\` (\`GUILD_ID/commands\` for \`sync_commands\`); \`channelId\`
  is the channel after the change (\`null\` for \`sync_commands\`); \`webhookId\` is present on
  every action but \`create\` and \`sync_commands\`.
- \`fields\`: \`{FIELD: {from, to}}\` for \`name\`, \`channel_id\`, \`avatar\` (\`from: null\` on create,
  \`to: null\` on delete). An avatar's \`from\` is Discord's hash and its \`to\` is
  \`"md5:<hex> (<path>)"\`: Discord does not document how it derives avatar hashes, so cordform
  compares the file's MD5 and re-uploads when they differ (the change then has a \`note\`).
  For \`sync_commands\`: \`NAME\` → \`{from: null, to: command}\` (added) or \`{from: command, to: null}\`
  (removed), \`NAME.FIELD\` → \`{from, to}\`; plus \`commands: {create[], update[], delete[]}\` (names).
- \`request\`: \`{method, path_template, params, body}\`; \`params\` fills the \`{…}\` placeholders.
  An avatar in a body is \`{path, md5}\` (or \`null\` to remove it): apply reads the file,
  checks the MD5 and uploads it as a data URI.
- \`precondition\`: what the change expects just before its write, checked by apply —
  create: \`{exists: false, name, channel_id}\` (no such webhook yet); other webhook changes:
  \`{exists: true, webhook_id, name, channel_id, avatar}\` (as planned); \`sync_commands\`:
  \`{commands_sha256}\` of the guild's canonical live commands.
- Order: deletes that free a slot in a channel that would pass 15 webhooks; adoptions, moves
  and updates; creates and replacements; the other deletes; command syncs. Within each, by
  guild, channel, name.
- A saved plan is a proposal: \`apply PLAN.json\` computes a fresh plan and runs only the fresh
  plan's changes that equal one in the file (everything but \`location\`, \`note\` and \`why\`);
  a change in the file that the fresh plan lacks refuses the whole apply.
`;
