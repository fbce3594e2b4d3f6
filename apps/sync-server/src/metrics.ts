// Prometheus metrics for one server instance. Each server owns its registry (tests run several servers
// in one process), and gauges read live values at scrape time instead of being kept in step by hand.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface MetricSources {
  openSockets: () => number;
  loadedDocs: () => number;
  pool: () => { total: number; idle: number; waiting: number };
}

export function createMetrics(sources: MetricSources) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const httpDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request latency by method, route and status code',
    labelNames: ['method', 'route', 'status_code'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  new Gauge({
    name: 'sync_open_sockets',
    help: 'Open Yjs sync WebSocket connections',
    registers: [registry],
    collect() {
      this.set(sources.openSockets());
    },
  });
  new Gauge({
    name: 'sync_loaded_docs',
    help: 'Yjs documents currently loaded in memory',
    registers: [registry],
    collect() {
      this.set(sources.loadedDocs());
    },
  });
  new Gauge({
    name: 'db_pool_connections',
    help: 'Database connections by state (total, idle, waiting clients)',
    labelNames: ['state'],
    registers: [registry],
    collect() {
      const p = sources.pool();
      this.set({ state: 'total' }, p.total);
      this.set({ state: 'idle' }, p.idle);
      this.set({ state: 'waiting' }, p.waiting);
    },
  });
  const syncUpdates = new Counter({
    name: 'sync_updates_persisted_total',
    help: 'Yjs updates written to the update log',
    registers: [registry],
  });
  const syncPersistSeconds = new Histogram({
    name: 'sync_persist_batch_seconds',
    help: 'Time to durably write one batch of Yjs updates',
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const syncRejected = new Counter({
    name: 'sync_connections_rejected_total',
    help: 'Sync connections refused or closed for a reason',
    labelNames: ['reason'],
    registers: [registry],
  });
  const paymentsChargesVoided = new Counter({
    name: 'payments_charges_voided_total',
    help: 'Charges voided at the gateway because their payment could not be recorded (outcome: voided | void_failed)',
    labelNames: ['outcome'],
    registers: [registry],
  });
  return { registry, httpDuration, syncUpdates, syncPersistSeconds, syncRejected, paymentsChargesVoided };
}

export type Metrics = ReturnType<typeof createMetrics>;
