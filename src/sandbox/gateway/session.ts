import { randomBytes } from 'node:crypto';
import type { APIMessage } from '../../discord/types.js';
import { Intent } from '../../discord/types.js';
import { GatewayOpcode } from '../../discord/gateway-protocol.js';
import { shardForGuild } from '../../discord/sharding.js';
import type { GatewayBotIdentity } from './server.js';

/**
 * One gateway session of the sandbox: what IDENTIFY created and RESUME reattaches to.
 *
 * It outlives its connection (Discord keeps a session resumable for a while after a
 * non-1000 disconnect) and keeps a bounded buffer of the dispatches it sent, as serialized
 * frames, so RESUME can replay everything after the client's last `seq`
 * (https://discord.com/developers/docs/events/gateway#resuming).
 */
export interface SessionSink {
  /** Sends one serialized frame; false when the connection can no longer take it. */
  sendFrame(frame: string): boolean;
}

interface BufferedFrame {
  s: number;
  frame: string;
}

export class GatewaySession {
  readonly id = randomBytes(16).toString('hex');
  /** Sequence of the last dispatch (0 before READY). */
  seq = 0;
  sink: SessionSink | null = null;
  expiryTimer: NodeJS.Timeout | null = null;
  private readonly buffer: BufferedFrame[] = [];
  /** Highest sequence that fell out of the buffer: a RESUME from before it cannot be served. */
  private droppedThrough = 0;

  constructor(
    readonly bot: GatewayBotIdentity,
    readonly intents: number,
    readonly shard: readonly [number, number],
    private readonly bufferSize: number,
  ) {}

  /**
   * Assigns the next sequence number, remembers the frame for RESUME (unless `replayable` is
   * false, as for RESUMED itself) and sends it when a connection is attached.
   */
  dispatch(t: string, d: unknown, replayable = true): number {
    this.seq += 1;
    const frame = JSON.stringify({ op: GatewayOpcode.DISPATCH, t, s: this.seq, d });
    if (replayable) {
      this.buffer.push({ s: this.seq, frame });
      while (this.buffer.length > this.bufferSize) {
        const dropped = this.buffer.shift();
        if (dropped) this.droppedThrough = dropped.s;
      }
    }
    this.sink?.sendFrame(frame);
    return this.seq;
  }

  /** Frames after `seq`, oldest first; null when some of them are no longer buffered. */
  framesAfter(seq: number): string[] | null {
    if (seq < this.droppedThrough) return null;
    return this.buffer.filter((entry) => entry.s > seq).map((entry) => entry.frame);
  }

  has(intent: number): boolean {
    return (this.intents & intent) === intent;
  }

  /** Discord routes a guild's events to shard `(guild_id >> 22) % num_shards`. */
  handlesGuild(guildId: string): boolean {
    return shardForGuild(guildId, this.shard[1]) === this.shard[0];
  }
}

/**
 * The message as this session may see it. Without MESSAGE_CONTENT, `content`, `embeds`,
 * `attachments`, `components` and `poll` arrive empty — except for the bot's own messages and
 * messages that mention it (https://discord.com/developers/docs/events/gateway#message-content-intent).
 */
export function messageForSession(message: APIMessage & { guild_id: string }, session: GatewaySession): unknown {
  if (session.has(Intent.MESSAGE_CONTENT)) return message;
  const botId = session.bot.user.id;
  if (message.author.id === botId) return message;
  if (Array.isArray(message.mentions) && message.mentions.some((user) => user?.id === botId)) return message;
  const { poll: _poll, ...rest } = message as APIMessage & { guild_id: string; poll?: unknown };
  return { ...rest, content: '', embeds: [], attachments: [], components: [] };
}
