import { describe, expect, it } from 'vitest';
import { buildPlan } from '../../src/plan/build-plan.js';
import type { SyncCommandsChange } from '../../src/plan/plan-types.js';
import { renderMarkdown } from '../../src/plan/render/markdown.js';
import { renderText } from '../../src/plan/render/text.js';
import { commandsFingerprint } from '../../src/plan/slash-commands.js';
import type { SlashDeclaration } from '../../src/manifest/types.js';
import { APP_ID, liveBuilder, liveCommand, manifestBuilder } from './builders.js';

const G = '1000';
const ping: SlashDeclaration = { description: 'Replies pong', options: [] };
const echo: SlashDeclaration = {
  description: 'Echoes',
  options: [{ type: 'string', name: 'text', description: 'what to echo', required: true, choices: [{ name: 'hi', value: 'hi' }] }],
};

const syncOf = (manifest = manifestBuilder().guild(G).command('ping', { slash: ping }).command('echo', { slash: echo }).command('plain').build(), commands = [liveCommand(G, 'ping', ping)]) =>
  buildPlan(manifest, liveBuilder().guild(G, { commands }).build()).changes.filter((c): c is SyncCommandsChange => c.action === 'sync_commands');

describe('slash command sync', () => {
  it('equal sets → no change (Discord defaults filled on both sides)', () => {
    const manifest = manifestBuilder().guild(G).command('echo', { slash: echo }).command('plain').build();
    expect(syncOf(manifest, [liveCommand(G, 'echo', echo)])).toEqual([]);
  });

  it('different sets → ONE bulk overwrite with per-command diffs', () => {
    const stale = liveCommand(G, 'old', { description: 'gone', options: [] });
    const edited = liveCommand(G, 'ping', { description: 'Old text', options: [] });
    const [change, ...rest] = syncOf(undefined, [edited, stale]);
    expect(rest).toEqual([]);
    expect(change).toMatchObject({
      key: `${G}/commands`,
      channelId: null,
      commands: { create: ['echo'], update: ['ping'], delete: ['old'] },
      request: {
        method: 'PUT',
        path_template: '/applications/{application.id}/guilds/{guild.id}/commands',
        params: { 'application.id': APP_ID, 'guild.id': G },
        body: [
          { type: 1, name: 'echo', description: 'Echoes', options: [{ type: 3, name: 'text', description: 'what to echo', required: true, choices: [{ name: 'hi', value: 'hi' }] }] },
          { type: 1, name: 'ping', description: 'Replies pong' },
        ],
      },
      precondition: { commands_sha256: commandsFingerprint([edited, stale]) },
    });
    expect(change?.fields['ping.description']).toEqual({ from: 'Old text', to: 'Replies pong' });
    expect(change?.fields.echo?.from).toBeNull();
    expect(change?.fields.old?.to).toBeNull();
  });

  it('an option change is a field diff of that command', () => {
    const live = liveCommand(G, 'echo', { ...echo, options: [{ ...echo.options[0]!, required: false }] });
    const manifest = manifestBuilder().guild(G).command('echo', { slash: echo }).build();
    const [change] = syncOf(manifest, [live]);
    expect(Object.keys(change?.fields ?? {})).toEqual(['echo.options']);
  });

  it('the permissions and nsfw inhibitors become default_member_permissions and nsfw, and are compared', () => {
    const manifest = manifestBuilder()
      .guild(G)
      .command('purge', { slash: ping, inhibitors: { permissions: ['MANAGE_MESSAGES', 'kick_members'], nsfw: true } })
      .command('ping', { slash: ping })
      .build();
    const open = liveCommand(G, 'purge', ping);
    const [change] = syncOf(manifest, [open, liveCommand(G, 'ping', ping, 1)]);
    // MANAGE_MESSAGES is 1 << 13 and KICK_MEMBERS 1 << 1: 8192 + 2.
    expect(change?.fields).toEqual({
      'purge.default_member_permissions': { from: null, to: '8194' },
      'purge.nsfw': { from: false, to: true },
    });
    expect(change?.request.body).toEqual([
      { type: 1, name: 'ping', description: 'Replies pong', default_member_permissions: null, nsfw: false },
      { type: 1, name: 'purge', description: 'Replies pong', default_member_permissions: '8194', nsfw: true },
    ]);
    const restricted = liveCommand(G, 'purge', ping, 0, { default_member_permissions: '8194', nsfw: true });
    expect(syncOf(manifest, [restricted, liveCommand(G, 'ping', ping, 1)])).toEqual([]);
    // Another tool cleared it through the API → the next apply puts the manifest's value back.
    const widened = liveCommand(G, 'purge', ping, 0, { default_member_permissions: null, nsfw: true });
    expect(Object.keys(syncOf(manifest, [widened, liveCommand(G, 'ping', ping, 1)])[0]?.fields ?? {})).toEqual(['purge.default_member_permissions']);
  });

  it('plans show a permission bitfield with its names: everyone, administrators only, or the list', () => {
    const manifest = (permissions: string[]) =>
      manifestBuilder().guild(G).command('purge', { slash: ping, inhibitors: { permissions } }).build();
    const live = (value: string | null) => liveBuilder().guild(G, { commands: [liveCommand(G, 'purge', ping, 0, { default_member_permissions: value })] }).build();
    const text = renderText(buildPlan(manifest(['MANAGE_MESSAGES', 'BAN_MEMBERS']), live(null)));
    expect(text).toContain('purge.default_member_permissions: null (everyone) → "8196" (BAN_MEMBERS, MANAGE_MESSAGES)');
    const markdown = renderMarkdown(buildPlan(manifest([]), live('0')));
    expect(markdown).toContain('- purge.default_member_permissions: "0" (administrators only)\n+ purge.default_member_permissions: null (everyone)');
  });

  it('commands not read → no sync planned, and a warning when slash commands are declared', () => {
    const manifest = manifestBuilder().guild(G).command('ping', { slash: ping }).build();
    const plan = buildPlan(manifest, liveBuilder().guild(G, { commands: null }).build());
    expect(plan.changes).toEqual([]);
    expect(plan.warnings.map((w) => w.code)).toEqual(['commands_not_read']);
  });

  it('counts in the summary; removals are warned about; --target GUILD/commands selects it', () => {
    const manifest = manifestBuilder().guild(G).webhook('A', '2001').build();
    const live = liveBuilder().guild(G, { commands: [liveCommand(G, 'ping', ping)] }).build();
    const plan = buildPlan(manifest, live);
    expect(plan.summary).toMatchObject({ create: 1, commands: 1 });
    expect(plan.changes.map((c) => c.action)).toEqual(['create', 'sync_commands']);
    expect(plan.warnings.find((w) => w.code === 'delete')?.message).toContain('ping');
    expect(buildPlan(manifest, live, { targets: [`${G}/commands`] }).changes.map((c) => c.action)).toEqual(['sync_commands']);
  });
});
