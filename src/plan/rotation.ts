/**
 * `cordform rotate KEY...`: a new URL for a webhook. Discord cannot reset a webhook token,
 * so a rotation is a replacement — a new webhook with the same name, channel and avatar,
 * then the old one deleted — and the manifest needs no change (the next plan is empty).
 * Pure, like buildPlan: the same inputs give the same plan.
 */
import type { APIWebhook } from '../discord/types.js';
import type { Manifest, WebhookDeclaration } from '../manifest/types.js';
import { summarize, withDerived } from './build-plan.js';
import { declaredWebhooks } from './declared-webhooks.js';
import { changesByGuild } from './group-changes.js';
import { liveGuildsById, type LiveState } from '../live/live-state.js';
import { classifyWebhook } from './ownership.js';
import { PLAN_FORMAT_VERSION, type Blocker, type Change, type Plan, type Warning } from './plan-types.js';
import { orderReplacements } from './replacements.js';
import { createChange, deleteChange, replaceChange } from './webhook-changes.js';

export const ROTATION_WHY = 'rotation: Discord cannot reset a token, so a new webhook replaces it';

export function planRotation(manifest: Manifest, live: LiveState, declarations: readonly WebhookDeclaration[]): Plan {
  const wanted = new Set(declarations.map((d) => d.key));
  const owner = { botId: live.bot.id, applicationId: live.applicationId };
  const changes: Change[] = [];
  const blockers: Blocker[] = [];
  const avatarWarnings: Warning[] = [];
  for (const { declaration, webhook } of declaredWebhooks(manifest, live)) {
    if (!wanted.has(declaration.key)) continue;
    const problem = rotationProblem(declaration, webhook, owner);
    if (problem !== null) {
      blockers.push({ code: 'rotate_impossible', message: problem, guildId: declaration.guildId, key: declaration.key, location: declaration.location });
      continue;
    }
    const old = deleteChange(declaration.guildId, webhook!);
    const replace = replaceChange(createChange(declaration), old, ROTATION_WHY);
    replace.fields = { ...replace.fields, token: { from: '(current)', to: '(new)' } };
    changes.push(replace);
    if (declaration.keepAvatar && webhook!.avatar !== null) avatarWarnings.push(keptAvatarWarning(replace));
  }
  const liveGuilds = liveGuildsById(live);
  const byGuild = changesByGuild(changes);
  const ordered = manifest.guilds.flatMap((guild) => {
    const liveGuild = liveGuilds.get(guild.id);
    const own = byGuild.get(guild.id) ?? [];
    return liveGuild === undefined ? own : orderReplacements(own, liveGuild);
  });
  return withDerived({
    format_version: PLAN_FORMAT_VERSION,
    targets: declarations.map((d) => d.key),
    changes: ordered,
    summary: summarize(ordered),
    blockers,
    warnings: [...ordered.map(rotationWarning), ...avatarWarnings],
    ignored: [],
    thresholds: [],
    names: { guilds: {}, channels: {} },
    guards: { force: false, reasons: [] },
  }, live);
}

function rotationProblem(declaration: WebhookDeclaration, webhook: APIWebhook | undefined, owner: { botId: string; applicationId: string }): string | null {
  if (webhook === undefined) return `"${declaration.name}" has no webhook yet (run \`cordform apply\` first); there is nothing to rotate`;
  if (classifyWebhook(webhook, owner) !== 'managed') {
    return `"${declaration.name}" is webhook ${webhook.id}, which the bot did not create (pinned with id:); cordform never deletes it, so it cannot rotate it`;
  }
  return null;
}

/** `avatar: keep` leaves the live avatar alone, but a new webhook cannot copy it: say so. */
function keptAvatarWarning(change: Change): Warning {
  return {
    code: 'avatar_hash',
    message: `"${change.name}" has avatar: keep; the new webhook starts without the avatar (Discord gives only its hash). Set it again, or declare an avatar file`,
    guildId: change.guildId,
    key: change.key,
  };
}

function rotationWarning(change: Change): Warning {
  return {
    code: 'delete',
    message: `rotates "${change.name}": the old URL stops working once the new webhook exists; give the new URL to everything that posts to it`,
    guildId: change.guildId,
    key: change.key,
  };
}
