// Experiences the studio scheduled offline: it writes them into the creator's catalog document (map "vr",
// the same fields vr/catalog-entry.ts writes), and when the document syncs this pass creates the
// experience on the server, so tickets can be sold and the relay admits. A document is read only when its
// head_seq moved past the version last read (as the post scheduler's index does). Entries are validated
// like the REST body; invalid ones are logged and never sold. Existing experiences are not changed from
// the document: cancelling refunds money and goes through POST .../cancel.
import { createVrExperienceBodySchema, type CreateVrExperienceBody } from '@fanz/core';
import type { Logger } from 'pino';
import * as Y from 'yjs';
import { z } from 'zod';
import type { CatalogReader } from '../catalog/catalog-reader.js';
import type { Database } from '../db/database.js';
import { PeriodicPass } from '../scheduler/periodic-pass.js';
import type { DocManager } from '../sync/doc-manager.js';
import type { DocStore } from '../sync/doc-store.js';
import type { ExperienceStore } from './experience-store.js';

const CHANGED_DOCS_SQL = `
  SELECT d.name, d.head_seq FROM yjs_documents d
    LEFT JOIN vr_catalog_docs s ON s.doc_name = d.name
   WHERE d.name LIKE 'creator:%' AND d.head_seq > COALESCE(s.indexed_doc_seq, -1)
   ORDER BY d.name LIMIT 200`;

/** A catalog entry as the studio writes it (catalog-entry.ts field names). */
const docEntrySchema = z.object({
  id: z.string().regex(/^vr_[0-9a-z]{26}$/),
  creatorId: z.string().optional(),
  title: z.string(),
  description: z.string().default(''),
  startsAt: z.string(),
  durationMinutes: z.number(),
  timezone: z.string().default('UTC'),
  capacity: z.number(),
  theme: z.string(),
  interactiveElements: z.array(z.string()).default(['chat']),
  price: z.object({ amount: z.number(), currency: z.string() }).nullable().default(null),
  tierRequirement: z.string().nullable().default(null),
  status: z.string(),
});

export interface CatalogImportDeps {
  db: Database;
  store: DocStore;
  /** Documents loaded here are read from memory (a document being edited moves head_seq many times a second). */
  docs?: Pick<DocManager, 'peek'>;
  experiences: ExperienceStore;
  catalog: CatalogReader;
  log: Logger;
  clock: () => number;
  pollMs?: number;
}

export class VrCatalogImport {
  private readonly loop: PeriodicPass;
  /** Experiences created from documents so far (tests). */
  imported = 0;

  constructor(private readonly d: CatalogImportDeps) {
    this.loop = new PeriodicPass(() => this.pass(), { pollMs: d.pollMs ?? 2000, logger: d.log, failure: 'vr catalog import pass failed' });
  }

  start(): void {
    this.loop.start();
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** One pass over the creator documents written since they were last read. */
  async pass(): Promise<void> {
    const docs = await this.d.db.query<{ name: string; head_seq: string | number }>(CHANGED_DOCS_SQL);
    for (const { name, head_seq } of docs) {
      if (this.loop.stopped) return;
      await this.importDoc(name.slice('creator:'.length), name, Number(head_seq));
      await this.d.db.query(
        `INSERT INTO vr_catalog_docs (doc_name, indexed_doc_seq) VALUES ($1, $2)
         ON CONFLICT (doc_name) DO UPDATE SET indexed_doc_seq = GREATEST(vr_catalog_docs.indexed_doc_seq, EXCLUDED.indexed_doc_seq)`,
        [name, Number(head_seq)],
      );
    }
  }

  private async importDoc(creatorId: string, name: string, headSeq: number): Promise<void> {
    // Replaying an edited document from the store every pass stalls sync (on PGlite on the server's thread);
    // the loaded copy holds every stored update up to its watermark, so it answers when not behind.
    const live = this.d.docs?.peek(name);
    const doc = live && live.docSeq >= headSeq ? live.doc : new Y.Doc();
    try {
      if (doc !== live?.doc) {
        const stored = await this.d.store.load(name);
        for (const u of stored.snapshot ? [stored.snapshot, ...stored.updates] : stored.updates) {
          try {
            Y.applyUpdate(doc, u);
          } catch {
            // an unreadable update is skipped, as the live document does
          }
        }
      }
      const entries: [string, unknown][] = [];
      doc.getMap('vr').forEach((v, id) => entries.push([id, v instanceof Y.AbstractType ? v.toJSON() : v]));
      for (const [id, raw] of entries) {
        if (await this.d.experiences.get(id)) continue;
        const body = await this.toBody(creatorId, id, raw);
        if (!body) continue;
        await this.d.experiences.insert(id, creatorId, body, { ifAbsent: true });
        this.imported++;
        this.d.log.info({ experienceId: id, creatorId }, 'vr experience created from the catalog document');
      }
    } finally {
      if (doc !== live?.doc) doc.destroy();
    }
  }

  /** The entry as a create body, or null (logged) when it is not a published, valid, future meetup of this creator. */
  private async toBody(creatorId: string, id: string, raw: unknown): Promise<CreateVrExperienceBody | null> {
    const skip = (reason: string) => {
      this.d.log.warn({ experienceId: id, creatorId, reason }, 'vr catalog entry not imported');
      return null;
    };
    const e = docEntrySchema.safeParse(raw);
    if (!e.success) return skip(e.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    const v = e.data;
    if (v.id !== id) return skip('stored under another id');
    if (v.creatorId !== undefined && v.creatorId !== creatorId) return skip('belongs to another creator');
    if (v.status !== 'published') return null; // drafts stay in the studio; cancelled ones were never sold
    const body = createVrExperienceBodySchema.safeParse({
      type: 'virtual_meetup',
      title: v.title,
      description: v.description,
      environment: { theme: v.theme, capacity: v.capacity, interactive_elements: v.interactiveElements },
      scheduling: { start_time: v.startsAt, duration_minutes: v.durationMinutes, timezone: v.timezone },
      access_control: { ...(v.price ? { price: v.price } : {}), ...(v.tierRequirement ? { tier_requirement: v.tierRequirement } : {}) },
    });
    if (!body.success) return skip(body.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
    if (Date.parse(v.startsAt) + v.durationMinutes * 60_000 <= this.d.clock()) return skip('already over');
    if (v.tierRequirement) {
      const tier = await this.d.catalog.tier(v.tierRequirement);
      if (!tier || tier.creatorId !== creatorId) return skip('tier_requirement is not one of the creator’s tiers');
    }
    return body.data;
  }
}
