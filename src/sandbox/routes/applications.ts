import { checkCommand } from '../interactions/application-commands.js';
import type { ApiRoute, RouteContext } from '../context.js';
import { FieldErrors, FormErrors, SandboxHttpError } from '../http/errors.js';
import type { WorldBot } from '../store/world.js';
import { requireGuild } from './access.js';

/**
 * Guild application commands
 * (https://discord.com/developers/docs/interactions/application-commands#get-guild-application-commands,
 * #bulk-overwrite-guild-application-commands, #create-guild-application-command):
 * GET lists them, PUT replaces the whole list (200 with the new list), POST upserts one
 * (201 new, 200 replaced). A bot token may only manage its own application's commands
 * (403 20012), in guilds its application is in (403 50001).
 */
const PATH = '/applications/:application_id/guilds/:guild_id/commands';
const major = (params: Record<string, string>) => params.guild_id ?? '';

const notAuthorizedForApplication = () =>
  new SandboxHttpError(403, { message: 'You are not authorized to perform this action on this application', code: 20012 });

/** The authenticated bot's application, checked against the path, and the guild. */
function requireScope(ctx: RouteContext): { applicationId: string; guildId: string } {
  const bot = ctx.bot as WorldBot;
  const applicationId = ctx.params.application_id!;
  if (applicationId !== bot.application_id) throw notAuthorizedForApplication();
  const guild = requireGuild(ctx.core, bot, ctx.params.guild_id!);
  return { applicationId, guildId: guild.id };
}

export const applicationRoutes: ApiRoute[] = [
  {
    method: 'GET',
    path: PATH,
    bucket: 'application-commands',
    auth: 'bot',
    major,
    handle: (ctx) => {
      const { applicationId, guildId } = requireScope(ctx);
      return { status: 200, body: ctx.core.state.commands.list(applicationId, guildId) };
    },
  },
  {
    method: 'PUT',
    path: PATH,
    bucket: 'application-commands',
    auth: 'bot',
    major,
    handle: async (ctx) => {
      const { applicationId, guildId } = requireScope(ctx);
      const body = await ctx.body();
      const errors = new FormErrors();
      if (!Array.isArray(body)) {
        errors.add([], FieldErrors.array());
        errors.throwIfAny();
      }
      const inputs = (body as unknown[]).map((item, index) => checkCommand(item, [index], errors));
      errors.throwIfAny();
      const commands = ctx.core.state.commands.overwrite(
        applicationId,
        guildId,
        inputs.filter((input) => input !== null),
      );
      return { status: 200, body: commands };
    },
  },
  {
    method: 'POST',
    path: PATH,
    bucket: 'application-commands',
    auth: 'bot',
    major,
    handle: async (ctx) => {
      const { applicationId, guildId } = requireScope(ctx);
      const errors = new FormErrors();
      const input = checkCommand(await ctx.body(), [], errors);
      errors.throwIfAny();
      const { command, created } = ctx.core.state.commands.upsert(applicationId, guildId, input!);
      return { status: created ? 201 : 200, body: command };
    },
  },
];
