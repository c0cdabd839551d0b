import type { DiscordApi } from '../../discord/api.js';
import type { APIEmbed } from '../../discord/types.js';
import type { CommandDeclaration, GuildDeclaration, ThirdPartyMessageBody, WebhookDeclaration } from '../../manifest/types.js';
import type { DispatchQueue } from '../dispatch-queue.js';
import type { GuildDirectory } from '../guild-directory.js';
import type { RuntimeLogger } from '../logger.js';
import type { ActionOutcome, RuntimeMetrics } from '../metrics.js';
import type { OutboundHttp } from '../outbound-http.js';
import type { GatewayMessage } from '../router.js';
import type { TemplateContext } from '../templates.js';
import type { CallbackScope } from '../callbacks/callback-token.js';

/** Retry budget for THIRD_PARTY_MESSAGE. */
export interface RetryPolicy {
  attempts: number;
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 3, budgetMs: 10_000, baseDelayMs: 250, maxDelayMs: 4_000 };

/** Deadline for one Discord call made by an action (the REST client queues on rate limits). */
export const DISCORD_ACTION_DEADLINE_MS = 15_000;

/** Everything an action executor needs; one per runtime. */
export interface ActionContext {
  api: DiscordApi;
  http: OutboundHttp;
  queue: DispatchQueue;
  directory: GuildDirectory;
  metrics: RuntimeMetrics;
  logger: RuntimeLogger;
  botUserId: string;
  /** This runtime's public base URL: X-CloudCord-APIBase, where targets call back. */
  publicUrl: string;
  /** Mints X-Cordform-Callback-Token for each HTTP_POST (callbacks/callback-token.ts). */
  callbackTokens: { mint(scope: CallbackScope): string };
  /** `hostname-pid`: X-CloudCord-Node and the User-Agent's comment. */
  node: string;
  /** Aborted when a stopping runtime gives up waiting for in-flight work. */
  hardStop: AbortSignal;
  retry: RetryPolicy;
  random: () => number;
}

/** One command invocation: what triggered it and where. */
export interface CommandEvent {
  guild: GuildDeclaration;
  command: CommandDeclaration;
  message: GatewayMessage;
  template: TemplateContext;
}

/**
 * An action with every template rendered and every reference resolved: what both declared
 * actions and (authorized) reply actions turn into before they run.
 */
export type ResolvedAction =
  | { type: 'SEND_MESSAGE_TO_CHANNEL'; channelId: string; message: string }
  | { type: 'SEND_EMBED_TO_CHANNEL'; channelId: string; embed: APIEmbed }
  | { type: 'EXECUTE_WEBHOOK'; webhook: WebhookDeclaration; content?: string; username?: string; embeds?: APIEmbed[] }
  | { type: 'THIRD_PARTY_MESSAGE'; url: string; token: string; userId: string; message: ThirdPartyMessageBody; timeoutMs: number };

/** What an executor reports; the runner logs and counts it. */
export interface ActionResult {
  outcome: ActionOutcome;
  /** JSON-safe, secret-free details for the log line. */
  detail?: Record<string, unknown>;
}

/**
 * A deadline for work that must also stop on a hard stop. `clear()` when the work is done:
 * unlike AbortSignal.timeout, nothing fires (or allocates) later for work that finished in
 * time, which at hundreds of events per second is a measurable share of the runtime's CPU.
 */
export function deadline(ctx: Pick<ActionContext, 'hardStop'>, ms: number): { signal: AbortSignal; clear(): void } {
  const controller = new AbortController();
  const stop = () => controller.abort(ctx.hardStop.reason);
  if (ctx.hardStop.aborted) stop();
  else ctx.hardStop.addEventListener('abort', stop, { once: true });
  const timer = setTimeout(() => controller.abort(new DOMException('The operation timed out.', 'TimeoutError')), ms);
  return {
    signal: controller.signal,
    clear: () => {
      clearTimeout(timer);
      ctx.hardStop.removeEventListener('abort', stop);
    },
  };
}

/** Runs `work` under a deadline and clears it afterwards, however the work ends. */
export async function withDeadline<T>(
  ctx: Pick<ActionContext, 'hardStop'>,
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T> {
  const limit = deadline(ctx, ms);
  try {
    return await work(limit.signal);
  } finally {
    limit.clear();
  }
}

/**
 * The queue lane of an invocation's HTTP work: one per command, so a hung target uses up
 * only the share of the commands bound to it, never that of another command, even one whose
 * target shares the origin.
 */
export function commandLane(event: Pick<CommandEvent, 'guild' | 'command'>): string {
  return `command:${event.guild.id}:${event.command.name}`;
}

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
