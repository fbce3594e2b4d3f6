// /api/v1/ledger/attestations: a device attests its ledger head (signed like a payout: fanz-key-id,
// fanz-signature over the body's canonical JSON); the latest attested head of a device key can be read back.
import { z } from 'zod';
import type { RouteTable } from '../http/routes.js';
import type { LedgerAttestations } from './ledger-attestations.js';
import { latestQuerySchema, ledgerAttestationBodySchema, ledgerAttestationSchema } from './ledger-attestation-schemas.js';

const header = (v: string | string[] | undefined) => (Array.isArray(v) ? v[0] : v);

export function ledgerAttestationRoutes(routes: RouteTable, attestations: LedgerAttestations): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/ledger/attestations',
    summary: "Attest this device's ledger head {seq, headHash} in the transparency log (device-signed)",
    tag: 'log',
    access: 'creator',
    body: ledgerAttestationBodySchema,
    response: ledgerAttestationSchema,
    status: 201,
    handler: async ({ body, user, req }) =>
      attestations.attest(user.id, body, { keyId: header(req.headers['fanz-key-id']), signature: header(req.headers['fanz-signature']), rawBody: req.body }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/ledger/attestations/latest',
    summary: 'The attested ledger head with the highest seq of one of your device keys (null when none)',
    tag: 'log',
    access: 'creator',
    query: latestQuerySchema,
    response: z.object({ attestation: ledgerAttestationSchema.nullable() }),
    handler: async ({ query, user }) => ({ attestation: await attestations.latest(user.id, query.keyId) }),
  });
}
