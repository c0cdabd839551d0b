import { describe, expect, it } from 'vitest';
import { checkInhibitors, parseInvocation, routeMessage } from '../../src/runtime/router.js';
import { PERMISSION_BITS, computePermissions } from '../../src/runtime/permissions.js';
import { BOT_ID, GENERAL, GUILD_ID, command, guild, message, sendMessage } from './fixtures.js';

const ping = command('ping', [sendMessage('Pong!')]);
const slashOnly = command('deploy', [sendMessage('x')], { prefix: false });
const guilds = [guild([ping, slashOnly])];

describe('parseInvocation', () => {
  it('splits the command word from args', () => {
    expect(parseInvocation('>ping', '>')).toEqual({ name: 'ping', args: '' });
    expect(parseInvocation('>ping  a  b\nc', '>')).toEqual({ name: 'ping', args: 'a  b\nc' });
    expect(parseInvocation('cc!Ticket hello', 'cc!')).toEqual({ name: 'ticket', args: 'hello' });
  });

  it('is null without the prefix or with nothing after it', () => {
    expect(parseInvocation('ping', '>')).toBeNull();
    expect(parseInvocation('>', '>')).toBeNull();
    expect(parseInvocation('> ping', '>')).toBeNull();
    expect(parseInvocation('hello >ping', '>')).toBeNull();
  });
});

describe('routeMessage', () => {
  it('matches a prefix command case-insensitively, per guild', () => {
    const routed = routeMessage(message('>PING now'), guilds, BOT_ID);
    expect(routed).toMatchObject({ matched: true, match: { name: 'ping', args: 'now', command: { name: 'ping' } } });
    expect(routeMessage(message('>ping', { guild_id: '999999999999999999' }), guilds, BOT_ID)).toEqual({
      matched: false,
      reason: 'unknown_guild',
    });
    expect(routeMessage(message('!ping'), guilds, BOT_ID)).toEqual({ matched: false, reason: 'no_command' });
  });

  it('ignores bots, itself, webhooks, DMs and empty content', () => {
    const bot = { id: '5', username: 'b', discriminator: '0', avatar: null, bot: true };
    const self = { id: BOT_ID, username: 'me', discriminator: '0', avatar: null };
    expect(routeMessage(message('>ping', { author: bot }), guilds, BOT_ID)).toMatchObject({ reason: 'bot' });
    expect(routeMessage(message('>ping', { author: self }), guilds, BOT_ID)).toMatchObject({ reason: 'self' });
    expect(routeMessage(message('>ping', { webhook_id: '7' }), guilds, BOT_ID)).toMatchObject({ reason: 'webhook' });
    expect(routeMessage(message('>ping', { guild_id: undefined }), guilds, BOT_ID)).toMatchObject({ reason: 'dm' });
    expect(routeMessage(message(''), guilds, BOT_ID)).toMatchObject({ reason: 'empty' });
  });

  it('does not trigger slash-only commands by prefix', () => {
    expect(routeMessage(message('>deploy'), guilds, BOT_ID)).toMatchObject({ matched: false, reason: 'no_command' });
  });
});

describe('checkInhibitors', () => {
  const facts = { channelId: GENERAL, roles: ['r1'], permissions: null, nsfw: null };
  const inhibited = (inhibitors: Partial<(typeof ping)['inhibitors']>) =>
    command('x', [], { inhibitors: { ...ping.inhibitors, ...inhibitors } });

  it('allows a command without inhibitors', () => {
    expect(checkInhibitors(ping, facts)).toEqual({ allowed: true });
  });

  it('checks channels, roles and nsfw', () => {
    expect(checkInhibitors(inhibited({ channels: ['1'] }), facts)).toEqual({ allowed: false, inhibitor: 'channels' });
    expect(checkInhibitors(inhibited({ channels: [GENERAL] }), facts)).toEqual({ allowed: true });
    expect(checkInhibitors(inhibited({ roles: ['r2'] }), facts)).toEqual({ allowed: false, inhibitor: 'roles' });
    expect(checkInhibitors(inhibited({ roles: ['r2', 'r1'] }), facts)).toEqual({ allowed: true });
    expect(checkInhibitors(inhibited({ nsfw: true }), facts)).toEqual({ allowed: false, inhibitor: 'nsfw' });
    expect(checkInhibitors(inhibited({ nsfw: true }), { ...facts, nsfw: true })).toEqual({ allowed: true });
  });

  it('checks permission bits and fails closed when they are unknown', () => {
    const needs = inhibited({ permissions: ['MANAGE_MESSAGES'] });
    expect(checkInhibitors(needs, facts)).toEqual({ allowed: false, inhibitor: 'permissions' });
    expect(checkInhibitors(needs, { ...facts, permissions: PERMISSION_BITS.SEND_MESSAGES ?? 0n })).toMatchObject({ allowed: false });
    expect(checkInhibitors(needs, { ...facts, permissions: PERMISSION_BITS.MANAGE_MESSAGES ?? 0n })).toEqual({ allowed: true });
    expect(checkInhibitors(needs, { ...facts, permissions: PERMISSION_BITS.ADMINISTRATOR ?? 0n })).toEqual({ allowed: true });
    expect(checkInhibitors(inhibited({ permissions: ['NOT_A_PERMISSION'] }), { ...facts, permissions: -1n })).toMatchObject({
      allowed: false,
    });
  });
});

describe('computePermissions', () => {
  const g = {
    id: GUILD_ID,
    owner_id: '1',
    roles: [
      { id: GUILD_ID, name: '@everyone', permissions: String(PERMISSION_BITS.SEND_MESSAGES), position: 0 },
      { id: 'mod', name: 'mod', permissions: String(PERMISSION_BITS.MANAGE_MESSAGES), position: 1 },
      { id: 'admin', name: 'admin', permissions: String(PERMISSION_BITS.ADMINISTRATOR), position: 2 },
    ],
  };
  const MANAGE = PERMISSION_BITS.MANAGE_MESSAGES ?? 0n;

  it('unions role permissions and applies channel overwrites in order', () => {
    expect(computePermissions(g, { userId: '9', roles: ['mod'] }, undefined) & MANAGE).toBe(MANAGE);
    const channel = { permission_overwrites: [{ id: 'mod', type: 0 as const, allow: '0', deny: String(MANAGE) }] };
    expect(computePermissions(g, { userId: '9', roles: ['mod'] }, channel) & MANAGE).toBe(0n);
    const member = { permission_overwrites: [...channel.permission_overwrites, { id: '9', type: 1 as const, allow: String(MANAGE), deny: '0' }] };
    expect(computePermissions(g, { userId: '9', roles: ['mod'] }, member) & MANAGE).toBe(MANAGE);
  });

  it('gives owners and administrators everything', () => {
    expect(computePermissions(g, { userId: '1', roles: [] }, undefined) & MANAGE).toBe(MANAGE);
    const channel = { permission_overwrites: [{ id: GUILD_ID, type: 0 as const, allow: '0', deny: String(MANAGE) }] };
    expect(computePermissions(g, { userId: '9', roles: ['admin'] }, channel) & MANAGE).toBe(MANAGE);
  });
});
