/**
 * One manifest file's data as written (snake_case), after the schema accepted it. Only
 * normalize.ts reads these; everything else uses the typed `Manifest` from types.ts.
 */
export interface RawManifestFile {
  version: 1;
  discord?: { token: string; api_base?: string; application_id?: string; public_key?: string };
  runtime?: { port?: number; block_private_addresses?: boolean; max_queue?: number };
  guilds?: RawGuild[];
}

export interface RawGuild {
  id: string;
  name?: string;
  prune?: boolean;
  prefix?: string;
  thresholds?: { min_existing?: number; update_percent?: number; delete_percent?: number };
  webhooks?: RawWebhook[];
  commands?: RawCommand[];
}

export interface RawWebhook {
  name: string;
  channel: string;
  avatar?: string;
  id?: string;
  renamed_from?: string;
  reason?: string;
}

export interface RawCommand {
  name: string;
  description?: string;
  prefix?: boolean;
  slash?: { description: string; options?: RawSlashOption[] };
  permissions?: string[];
  roles?: string[];
  channels?: string[];
  nsfw?: boolean;
  allow_mentions?: boolean;
  actions: RawAction[];
}

export interface RawSlashOption {
  type: 'string' | 'integer' | 'boolean' | 'user' | 'channel' | 'role' | 'number';
  name: string;
  description: string;
  required?: boolean;
  choices?: { name: string; value: string | number }[];
}

export type RawAction =
  | { type: 'HTTP_POST'; url: string; timeout_ms?: number; headers?: Record<string, string>; signing_secret?: string }
  | { type: 'SEND_MESSAGE_TO_CHANNEL'; channel_id?: string; message: string }
  | { type: 'SEND_EMBED_TO_CHANNEL'; channel_id?: string; embed: Record<string, unknown> }
  | { type: 'EXECUTE_WEBHOOK'; webhook: string; content?: string; username?: string; embeds?: Record<string, unknown>[] }
  | { type: 'THIRD_PARTY_MESSAGE'; url: string; token: string; user_id: string; message: string | Record<string, unknown>; timeout_ms?: number };
