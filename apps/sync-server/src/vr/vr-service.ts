// VR experiences as a service: schedule (row + catalog document + projection), read, list, cancel
// (refund every paid ticket through the payments path, revoke free ones, close the room), attendance.
import { newId, VR_LIMITS, type CancelVrExperienceResponse, type CreateVrExperienceBody, type CreateVrExperienceResponse, type TechnicalRequirements, type VrExperienceView } from '@fanz/core';
import type { Logger } from 'pino';
import type { CatalogReader } from '../catalog/catalog-reader.js';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { DocManager } from '../sync/doc-manager.js';
import type { AttendanceRecorder, AttendanceSummary } from './attendance.js';
import { writeCatalogEntry } from './catalog-entry.js';
import { accessUrl, qrCodeUrl, type ExperienceStore } from './experience-store.js';
import type { RelayEndpoint } from './relay/relay-endpoint.js';
import { projectRevenue } from './revenue-projection.js';
import type { TicketSales } from './ticket-sales.js';

/** A start time this far in the past is still accepted (a meetup scheduled "now" from a slow form). */
const START_GRACE_MS = 5 * 60_000;

export interface VrServiceDeps {
  db: Database;
  docs: DocManager;
  catalog: CatalogReader;
  experiences: ExperienceStore;
  sales: TicketSales;
  attendanceLog: AttendanceRecorder;
  relay: () => RelayEndpoint;
  /** Refunds one payment through the money path (payments' reverse); throws ApiError when it cannot. */
  refund: (paymentId: string, creatorId: string) => Promise<void>;
  clock: () => number;
  log: Logger;
}

export function technicalRequirements(baseUrl: string, id: string): TechnicalRequirements {
  return {
    browsers: ['Chrome 113+', 'Edge 113+', 'Firefox 115+', 'Safari 16.4+', 'Meta Quest Browser'],
    webxr: 'optional: immersive-vr where the browser supports WebXR; otherwise mouse, keyboard or touch',
    headsets: ['Meta Quest 2/3/Pro (browser)', 'Apple Vision Pro (Safari)', 'any WebXR headset with a browser'],
    min_bandwidth_kbps: 256,
    relay_url: `${baseUrl.replace(/^http/, 'ws')}/vr/${id}?ticket=<ticket token>`,
    poses_per_second: VR_LIMITS.batchHz,
  };
}

export class VrService {
  readonly experiences: ExperienceStore;
  readonly sales: TicketSales;

  constructor(private readonly d: VrServiceDeps) {
    this.experiences = d.experiences;
    this.sales = d.sales;
  }

  async create(creatorId: string, body: CreateVrExperienceBody, baseUrl: string): Promise<CreateVrExperienceResponse> {
    const now = this.d.clock();
    if (Date.parse(body.scheduling.start_time) < now - START_GRACE_MS) {
      throw new ApiError('VALIDATION_ERROR', 'The request body is not valid: scheduling.start_time: must not be in the past', {
        issues: [{ path: ['scheduling', 'start_time'], code: 'custom', message: 'must not be in the past' }],
      });
    }
    const tierId = body.access_control.tier_requirement;
    if (tierId !== undefined) {
      const tier = await this.d.catalog.tier(tierId);
      if (!tier || tier.creatorId !== creatorId || !tier.active) {
        throw new ApiError('VALIDATION_ERROR', `The request body is not valid: access_control.tier_requirement: ${tierId} is not one of your active tiers`, {
          issues: [{ path: ['access_control', 'tier_requirement'], code: 'custom', message: 'not one of your active tiers' }],
        });
      }
    }
    const e = (await this.d.experiences.insert(newId('vr'), creatorId, body))!;
    await writeCatalogEntry(this.d.docs, e);
    const view = await this.d.experiences.view(e, baseUrl);
    return {
      experience_id: e.id,
      access_url: accessUrl(baseUrl, e.id),
      qr_code_url: qrCodeUrl(baseUrl, e.id),
      revenue_projection: await projectRevenue(this.d.db, creatorId, e, now),
      technical_requirements: technicalRequirements(baseUrl, e.id),
      experience: view,
    };
  }

  async read(id: string, baseUrl: string): Promise<VrExperienceView> {
    const e = await this.d.experiences.get(id);
    if (!e) throw new ApiError('NOT_FOUND', `No VR experience ${id}.`);
    return this.d.experiences.view(e, baseUrl);
  }

  async list(creatorId: string, baseUrl: string): Promise<VrExperienceView[]> {
    const all = await this.d.experiences.listByCreator(creatorId);
    return Promise.all(all.map((e) => this.d.experiences.view(e, baseUrl)));
  }

  private async owned(creatorId: string, id: string) {
    const e = await this.d.experiences.get(id);
    if (!e || e.creatorId !== creatorId) throw new ApiError('NOT_FOUND', `No VR experience ${id} of yours.`);
    return e;
  }

  /**
   * Cancels (idempotent): no more sales or admissions from the first call; every paid ticket is refunded
   * through payments. A refund the processor refuses is listed and retried by calling cancel again.
   */
  async cancel(creatorId: string, id: string, baseUrl: string): Promise<CancelVrExperienceResponse> {
    const e0 = await this.owned(creatorId, id);
    await this.d.db.transaction(async (tx) => {
      await this.d.experiences.lock(tx, id);
      await this.d.experiences.markCancelled(tx, id);
    });
    this.d.relay().closeRoom(id);
    const failures: { ticketId: string; reason: string }[] = [];
    let refunded = 0;
    for (const t of await this.d.sales.liveTickets(id)) {
      if (t.payment_id === null) continue;
      if (t.status === 'held') continue; // its payment's confirm() refuses a cancelled room and voids the charge
      try {
        await this.d.refund(t.payment_id, creatorId);
        await this.d.sales.refunded(this.d.db, t.payment_id);
        refunded++;
      } catch (err) {
        this.d.log.warn({ err, ticketId: t.id, paymentId: t.payment_id }, 'vr ticket refund failed on cancel');
        failures.push({ ticketId: t.id, reason: err instanceof Error ? err.message : 'refund failed' });
      }
    }
    await this.d.sales.revokeTierTickets(id);
    const e = (await this.d.experiences.get(id)) ?? e0;
    await writeCatalogEntry(this.d.docs, e);
    return { experience: await this.d.experiences.view(e, baseUrl), refunded, refund_failures: failures };
  }

  async attendance(creatorId: string, id: string): Promise<AttendanceSummary & { inRoomNow: number }> {
    await this.owned(creatorId, id);
    await this.d.attendanceLog.flush();
    return { ...(await this.d.attendanceLog.summary(id)), inRoomNow: this.d.relay().participants(id) };
  }
}
