import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * The runtime's Prometheus metrics, on a registry of their own (never the global one, so
 * that two runtimes in one process — tests — do not collide). Labels are small closed sets:
 * no URLs, ids, channel names or user input.
 */
export type ActionOutcome =
  | 'ok'
  | 'nothing'
  | 'timeout'
  | 'http_error'
  | 'invalid_reply'
  | 'refused'
  | 'too_large'
  | 'rejected'
  | 'dropped'
  | 'error';

export interface RuntimeMetrics {
  registry: Registry;
  events: Counter<'event' | 'result'>;
  actions: Counter<'action' | 'outcome'>;
  httpPostDuration: Histogram<'outcome'>;
  eventsDropped: Counter<'reason'>;
  thirdPartyCodes: Counter<'code'>;
  callbacks: Counter<'result'>;
  webhooksUnavailable: Counter<'reason'>;
  connectionsDropped: Counter;
}

/**
 * `shard` (e.g. "1/4") becomes a label on every series, so that the processes of a sharded
 * deployment, scraped separately, stay apart; unsharded runtimes have no such label.
 */
export function createRuntimeMetrics(options: { defaultMetrics?: boolean; shard?: string | null } = {}): RuntimeMetrics {
  const registry = new Registry();
  if (options.shard) registry.setDefaultLabels({ shard: options.shard });
  if (options.defaultMetrics) collectDefaultMetrics({ register: registry });
  return {
    registry,
    events: new Counter({
      name: 'cordform_events_total',
      help: 'Discord events received, by event name and routing result',
      labelNames: ['event', 'result'],
      registers: [registry],
    }),
    actions: new Counter({
      name: 'cordform_actions_total',
      help: 'Actions executed, by action type and outcome',
      labelNames: ['action', 'outcome'],
      registers: [registry],
    }),
    httpPostDuration: new Histogram({
      name: 'cordform_http_post_duration_seconds',
      help: 'HTTP_POST request duration until the reply was read or dismissed',
      labelNames: ['outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
      registers: [registry],
    }),
    eventsDropped: new Counter({
      name: 'cordform_events_dropped_total',
      help: 'Work dropped because a target queue was full or the runtime was stopping',
      labelNames: ['reason'],
      registers: [registry],
    }),
    thirdPartyCodes: new Counter({
      name: 'cordform_third_party_failures_total',
      help: 'THIRD_PARTY_MESSAGE failures by the code the sink returned (none when it gave none)',
      labelNames: ['code'],
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'cordform_callbacks_total',
      help: 'POST /v1/actions requests by result (ok, unauthorized, rate_limited, invalid, forbidden, unavailable)',
      labelNames: ['result'],
      registers: [registry],
    }),
    webhooksUnavailable: new Counter({
      name: 'cordform_webhook_unavailable_total',
      help: 'EXECUTE_WEBHOOK actions that found no webhook the bot owns (or the manifest pins by id)',
      labelNames: ['reason'],
      registers: [registry],
    }),
    connectionsDropped: new Counter({
      name: 'cordform_http_connections_dropped_total',
      help: 'Connections to the runtime HTTP server closed at once because maxConnections were open',
      registers: [registry],
    }),
  };
}

/** `cordform_gateway_shard_ready{shard_id}`: 1 while that shard's session is READY. */
export function registerShardGauge(metrics: RuntimeMetrics, shards: () => Array<{ id: number; ready: boolean }>): void {
  new Gauge({
    name: 'cordform_gateway_shard_ready',
    help: 'Whether each gateway shard of this process is connected and READY (1) or not (0)',
    labelNames: ['shard_id'],
    registers: [metrics.registry],
    collect() {
      for (const shard of shards()) this.set({ shard_id: String(shard.id) }, shard.ready ? 1 : 0);
    },
  });
}

/** A sink's `code` as a bounded label value: small integers as is, anything else lumped. */
export function codeLabel(code: unknown): string {
  if (code === undefined || code === null) return 'none';
  if (typeof code === 'number' && Number.isInteger(code) && Math.abs(code) < 100_000) return String(code);
  return 'other';
}
