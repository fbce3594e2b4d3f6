// The VR meetups feature, composed: experiences and tickets (REST), the relay (WebSocket at /vr/), and
// attendance. server.ts builds it once; payments call `sales` to hold, confirm and refund ticket seats.
import type { FastifyInstance } from 'fastify';
import type { Logger } from 'pino';
import type { AuthService } from '../auth/auth-service.js';
import type { CatalogReader } from '../catalog/catalog-reader.js';
import type { Database } from '../db/database.js';
import type { RouteTable } from '../http/routes.js';
import type { PaymentService } from '../payments/payment-service.js';
import type { DocManager } from '../sync/doc-manager.js';
import type { DocStore } from '../sync/doc-store.js';
import { VrCatalogImport } from './catalog-import.js';
import { AttendanceRecorder } from './attendance.js';
import { experienceRoutes } from './experience-routes.js';
import { ExperienceStore } from './experience-store.js';
import { DEFAULT_RELAY_OPTIONS, RelayEndpoint, type RelayOptions } from './relay/relay-endpoint.js';
import { TicketSales } from './ticket-sales.js';
import { TicketSigner } from './ticket-tokens.js';
import { VrService } from './vr-service.js';

export interface VrFeatureOptions {
  /** Relay limits (defaults: @fanz/core VR_LIMITS); tests lower them. */
  relay?: Partial<RelayOptions>;
  /** The clock for windows and expiry (tests move it); defaults to Date.now. */
  clock?: () => number;
  /** How often catalog documents written since the last pass are checked for offline-created experiences. */
  catalogPollMs?: number;
}

export interface VrFeatureDeps {
  app: FastifyInstance;
  routes: RouteTable;
  auth: AuthService;
  db: Database;
  docs: DocManager;
  /** The server's document store: experiences scheduled offline are read from the catalog documents. */
  store: DocStore;
  catalog: CatalogReader;
  log: Logger;
  publicUrl?: string;
  /** Tickets are sold and refunded through payments (same gateway, ledger, log and webhooks). */
  payments: Pick<PaymentService, 'useVrTickets' | 'reverse'>;
  options?: VrFeatureOptions;
}

export interface VrFeature {
  service: VrService;
  sales: TicketSales;
  tickets: TicketSigner;
  relay: RelayEndpoint;
  attendance: AttendanceRecorder;
  catalogImport: VrCatalogImport;
  close(): Promise<void>;
}

export async function createVrFeature(d: VrFeatureDeps): Promise<VrFeature> {
  const clock = d.options?.clock ?? Date.now;
  const tickets = await TicketSigner.forDatabase(d.db);
  const experiences = new ExperienceStore(d.db);
  const sales = new TicketSales(d.db, experiences, tickets, clock);
  d.payments.useVrTickets(sales);
  const attendance = new AttendanceRecorder(d.db, d.log, clock);
  const attendanceIds = new WeakMap<object, string>();
  const relay = new RelayEndpoint(
    { db: d.db, auth: d.auth, experiences, tickets, clock, log: d.log },
    { ...DEFAULT_RELAY_OPTIONS, ...d.options?.relay },
    {
      joined: (experienceId, m, admitted) =>
        attendanceIds.set(m, attendance.joined(experienceId, admitted.experience.creatorId, { userId: m.userId, ticketId: m.ticketId, role: m.role })),
      left: (_experienceId, m, code) => {
        const id = attendanceIds.get(m);
        if (id) attendance.left(id, code);
      },
    },
  );
  const service = new VrService({
    db: d.db,
    docs: d.docs,
    catalog: d.catalog,
    experiences,
    sales,
    attendanceLog: attendance,
    relay: () => relay,
    refund: async (paymentId, creatorId) => void (await d.payments.reverse(paymentId, 'refund', { creatorId })),
    clock,
    log: d.log,
  });
  experienceRoutes(d.app, d.routes, service, d.publicUrl);
  const catalogImport = new VrCatalogImport({ db: d.db, store: d.store, docs: d.docs, experiences, catalog: d.catalog, log: d.log, clock, pollMs: d.options?.catalogPollMs });
  catalogImport.start();
  return {
    service,
    sales,
    tickets,
    relay,
    attendance,
    catalogImport,
    async close() {
      await catalogImport.stop();
      await relay.close();
      await attendance.flush();
    },
  };
}
