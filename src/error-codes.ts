/**
 * Every `code` a CordformError can carry: stable strings that scripts and tests match on.
 * The CordformError constructor takes only these, so a new code is added here first — and
 * a program importing cordform can switch over them exhaustively.
 */
export type ErrorCode =
  // The manifest and its files
  | 'manifest_invalid'
  | 'avatar_changed'
  | 'avatar_missing'
  | 'env_missing'
  | 'config_invalid'
  // The command line
  | 'cli_usage'
  | 'unknown_key'
  | 'unknown_target'
  | 'approval_required'
  | 'import_out_exists'
  | 'channel_unknown'
  | 'urls_out_unwritable'
  | 'urls_out_failed'
  // Plans and applies
  | 'plan_blocked'
  | 'plan_stale'
  | 'plan_file_invalid'
  | 'plan_file_unreadable'
  | 'plan_file_version'
  | 'too_many_deletes'
  | 'threshold_exceeded'
  | 'write_out_of_scope'
  // Discord's API and gateway
  | 'discord_api_error'
  | 'discord_bad_response'
  | 'discord_invalid_id'
  | 'discord_invalid_token'
  | 'discord_network_error'
  | 'discord_outcome_unknown'
  | 'discord_request_not_sent'
  | 'guild_missing_permissions'
  | 'guild_not_accessible'
  | 'gateway_authentication_failed'
  | 'gateway_closed'
  | 'gateway_disallowed_intents'
  | 'gateway_invalid_api_version'
  | 'gateway_invalid_intents'
  | 'gateway_invalid_shard'
  | 'gateway_reconnect_exhausted'
  | 'gateway_sharding_required'
  | 'gateway_stopped'
  | 'gateway_unavailable'
  // Servers (run, sandbox)
  | 'listen_failed'
  | 'sandbox_faults_invalid'
  | 'sandbox_faults_unreadable'
  | 'sandbox_rate_limits_invalid'
  | 'sandbox_rate_limits_unreadable'
  | 'sandbox_seed_invalid'
  | 'sandbox_seed_unreadable'
  | 'sandbox_state_corrupt'
  | 'sandbox_state_unreadable'
  // The programmatic API
  | 'api_usage'
  // cordform itself
  | 'internal_unreachable';
