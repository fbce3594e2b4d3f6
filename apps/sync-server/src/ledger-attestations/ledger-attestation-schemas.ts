// Shapes of the ledger attestation routes.
import { z } from 'zod';

export const ledgerAttestationBodySchema = z.strictObject({
  /** seq of the ledger's last entry (0-based, as @fanz/core's device ledger numbers them). */
  seq: z.int().min(0).max(Number.MAX_SAFE_INTEGER),
  /** Hash of that entry (hex or base64url, as the ledger writes it). */
  headHash: z.string().regex(/^[A-Za-z0-9_-]{16,128}$/, { message: 'headHash must be 16-128 hex/base64url characters' }),
  /** When the device signed it (ISO 8601); more than 5 minutes from the server clock is refused. */
  timestamp: z.iso.datetime({ offset: true, error: 'timestamp must be an ISO 8601 date-time' }),
});
export type LedgerAttestationBody = z.infer<typeof ledgerAttestationBodySchema>;

export const ledgerAttestationSchema = z.object({
  keyId: z.string(),
  seq: z.int(),
  headHash: z.string(),
  logIndex: z.int(),
  attestedAt: z.string(),
});

export const latestQuerySchema = z.strictObject({ keyId: z.string().min(1).max(100) });
