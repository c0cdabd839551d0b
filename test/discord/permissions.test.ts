import { describe, expect, it } from 'vitest';
import {
  ALL_PERMISSIONS,
  computeBasePermissions,
  computeOverwrites,
  computePermissions,
  guildPermissionFacts,
  hasPermissions,
  missingPermissionNames,
  PERMISSION_BITS as P,
  permissionBits,
} from '../../src/discord/permissions.js';
import type { APIOverwrite } from '../../src/discord/types.js';

/**
 * Discord's documented algorithm
 * (https://discord.com/developers/docs/topics/permissions#permission-overwrites):
 * @everyone + member roles at guild level, then @everyone overwrite (deny, allow), the
 * member's role overwrites combined (deny, allow), then the member overwrite (deny, allow).
 */
const GUILD = '500000000000000001';
const OWNER = '500000000000000002';
const BOT = '500000000000000003';
const [A, B, ADMIN] = ['600000000000000001', '600000000000000002', '600000000000000003'];

const guild = guildPermissionFacts({
  id: GUILD,
  owner_id: OWNER,
  roles: [
    { id: GUILD, name: '@everyone', permissions: String(P.VIEW_CHANNEL | P.SEND_MESSAGES), position: 0 },
    { id: A, name: 'A', permissions: String(P.MANAGE_WEBHOOKS), position: 2 },
    { id: B, name: 'B', permissions: '0', position: 1 },
    { id: ADMIN, name: 'admin', permissions: String(P.ADMINISTRATOR), position: 3 },
  ],
});
const role = (id: string, allow: bigint, deny: bigint): APIOverwrite => ({ id, type: 0, allow: String(allow), deny: String(deny) });
const member = (id: string, allow: bigint, deny: bigint): APIOverwrite => ({ id, type: 1, allow: String(allow), deny: String(deny) });
const bot = (...roles: string[]) => ({ userId: BOT, roles });

describe('base permissions', () => {
  it('are @everyone OR every role of the member', () => {
    expect(computeBasePermissions(guild, bot())).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES);
    expect(computeBasePermissions(guild, bot(A, B))).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.MANAGE_WEBHOOKS);
  });

  it('ADMINISTRATOR short-circuits to ALL', () => {
    expect(computeBasePermissions(guild, bot(ADMIN))).toBe(ALL_PERMISSIONS);
  });

  it('the guild owner has ALL without any role', () => {
    expect(computeBasePermissions(guild, { userId: OWNER, roles: [] })).toBe(ALL_PERMISSIONS);
  });

  it('unknown roles add nothing', () => {
    expect(computeBasePermissions(guild, bot('699999999999999999'))).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES);
  });
});

describe('channel overwrites', () => {
  it('the @everyone overwrite applies first: deny, then allow', () => {
    const overwrites = [role(GUILD, P.MANAGE_WEBHOOKS, P.VIEW_CHANNEL)];
    const permissions = computePermissions(guild, bot(), overwrites);
    expect(hasPermissions(permissions, P.VIEW_CHANNEL)).toBe(false);
    expect(hasPermissions(permissions, P.MANAGE_WEBHOOKS)).toBe(true);
  });

  it('role overwrites are combined: an allow on one role beats a deny on another, whatever their positions', () => {
    // The docs' example: role A denies VIEW_CHANNEL, role B allows it → the member can view.
    const overwrites = [role(A, 0n, P.VIEW_CHANNEL), role(B, P.VIEW_CHANNEL, 0n)];
    expect(hasPermissions(computePermissions(guild, bot(A, B), overwrites), P.VIEW_CHANNEL)).toBe(true);
    expect(hasPermissions(computePermissions(guild, bot(A), overwrites), P.VIEW_CHANNEL)).toBe(false);
  });

  it('role overwrites beat the @everyone overwrite (deny-then-allow across levels)', () => {
    const overwrites = [role(GUILD, 0n, P.MANAGE_WEBHOOKS), role(A, P.MANAGE_WEBHOOKS, 0n)];
    expect(hasPermissions(computePermissions(guild, bot(A), overwrites), P.MANAGE_WEBHOOKS)).toBe(true);
    expect(hasPermissions(computePermissions(guild, bot(B), [role(GUILD, 0n, P.SEND_MESSAGES)]), P.SEND_MESSAGES)).toBe(false);
  });

  it('the member overwrite comes last and beats role overwrites', () => {
    const overwrites = [role(A, P.MANAGE_WEBHOOKS, 0n), member(BOT, 0n, P.MANAGE_WEBHOOKS)];
    expect(hasPermissions(computePermissions(guild, bot(A), overwrites), P.MANAGE_WEBHOOKS)).toBe(false);
    const back = [role(A, 0n, P.MANAGE_WEBHOOKS), member(BOT, P.MANAGE_WEBHOOKS, 0n)];
    expect(hasPermissions(computePermissions(guild, bot(A), back), P.MANAGE_WEBHOOKS)).toBe(true);
  });

  it('a deny and an allow of the same bit on one overwrite: allow wins (deny is applied first)', () => {
    expect(hasPermissions(computeOverwrites(0n, GUILD, bot(), [member(BOT, P.MANAGE_WEBHOOKS, P.MANAGE_WEBHOOKS)]), P.MANAGE_WEBHOOKS)).toBe(true);
  });

  it('overwrites of other members and roles the member lacks do not apply', () => {
    const overwrites = [role(B, 0n, P.VIEW_CHANNEL), member(OWNER, 0n, P.VIEW_CHANNEL)];
    expect(hasPermissions(computePermissions(guild, bot(A), overwrites), P.VIEW_CHANNEL)).toBe(true);
  });

  it('administrators and the owner ignore every overwrite', () => {
    const overwrites = [role(GUILD, 0n, ALL_PERMISSIONS), member(BOT, 0n, ALL_PERMISSIONS), member(OWNER, 0n, ALL_PERMISSIONS)];
    expect(computePermissions(guild, bot(ADMIN), overwrites)).toBe(ALL_PERMISSIONS);
    expect(computePermissions(guild, { userId: OWNER, roles: [] }, overwrites)).toBe(ALL_PERMISSIONS);
  });

  it('an ADMINISTRATOR allow in a channel overwrite does not grant ALL (only roles do)', () => {
    const permissions = computePermissions(guild, bot(), [member(BOT, P.ADMINISTRATOR, 0n)]);
    expect(permissions).toBe(P.VIEW_CHANNEL | P.SEND_MESSAGES | P.ADMINISTRATOR);
  });
});

describe('the name ↔ bit table', () => {
  it('follows the documented bits', () => {
    expect(P.MANAGE_WEBHOOKS).toBe(0x20000000n);
    expect(P.VIEW_CHANNEL).toBe(0x400n);
    expect(P.ADMINISTRATOR).toBe(0x8n);
    expect(P.USE_EXTERNAL_APPS).toBe(1n << 50n);
  });

  it('maps names (any case) to bits; an unknown name is null (fail closed)', () => {
    expect(permissionBits(['manage_webhooks', 'VIEW_CHANNEL'])).toBe(P.MANAGE_WEBHOOKS | P.VIEW_CHANNEL);
    expect(permissionBits([])).toBe(0n);
    expect(permissionBits(['MANAGE_EVERYTHING'])).toBeNull();
  });

  it('names what is missing', () => {
    expect(missingPermissionNames(P.VIEW_CHANNEL, ['VIEW_CHANNEL', 'MANAGE_WEBHOOKS'])).toEqual(['MANAGE_WEBHOOKS']);
    expect(missingPermissionNames(ALL_PERMISSIONS, ['VIEW_CHANNEL', 'MANAGE_WEBHOOKS'])).toEqual([]);
  });
});
