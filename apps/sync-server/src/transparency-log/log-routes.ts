// /api/v1/log: the transparency log, as Certificate Transparency serves it: the public key, the latest
// signed tree head, entries by range, inclusion and consistency proofs (hashes base64). Everyone sees leaf
// hashes; an entry's content is shown only to the creator it concerns (or the fan who paid), so other
// creators' amounts are never revealed.
import { toBase64 } from '@fanz/core';
import { z } from 'zod';
import type { AuthService, AuthUser } from '../auth/auth-service.js';
import type { RouteTable } from '../http/routes.js';
import { bearerToken } from '../http/routes.js';
import type { TransparencyLog } from './transparency-log.js';

const index = z.coerce.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const MAX_RANGE = 1000;
/** Proofs per batch request: a page of a creator's own entries fits in a URL of about 8 KB. */
const MAX_BATCH = 500;
const hashes = z.array(z.string());

export function logRoutes(routes: RouteTable, deps: { log: TransparencyLog; auth: AuthService }): void {
  const { log } = deps;
  routes.add({
    method: 'GET',
    url: '/api/v1/log/public-key',
    summary: "The log's Ed25519 public key (base64url), which verifies every signed tree head",
    tag: 'log',
    access: 'public',
    response: z.object({ algorithm: z.literal('Ed25519'), publicKey: z.string() }),
    handler: async () => ({ algorithm: 'Ed25519' as const, publicKey: log.publicKeyBase64Url }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/log/tree-head',
    summary: 'The latest signed tree head {treeSize, rootHash, timestamp, signature}',
    tag: 'log',
    access: 'public',
    response: z.object({ treeSize: z.int(), rootHash: z.string(), timestamp: z.int(), signature: z.string() }),
    handler: async () => log.signedTreeHead(),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/log/entries',
    summary: 'Entries start..end (inclusive, at most 1000): leaf hashes for all, content for the parties',
    tag: 'log',
    access: 'public',
    query: z.strictObject({ start: index, end: index }).refine((q) => q.end >= q.start, { message: 'end must not be below start' }),
    response: z.object({
      entries: z.array(z.object({ index: z.int(), leafHash: z.string(), entry: z.record(z.string(), z.unknown()).optional() })),
    }),
    handler: async ({ query, req }) => {
      const token = bearerToken(req);
      const user: AuthUser | null = token ? await deps.auth.authenticate(token) : null;
      const end = Math.min(query.end, query.start + MAX_RANGE - 1);
      const rows = await log.entries(query.start, end);
      return {
        entries: rows.map((r) => {
          const base = { index: r.index, leafHash: toBase64(r.leafHash) };
          if (!user) return base;
          const entry = JSON.parse(r.entry) as Record<string, unknown>;
          const party = r.creatorId === user.id || entry.fanId === user.id;
          return party ? { ...base, entry } : base;
        }),
      };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/log/proofs/inclusion',
    summary: 'Inclusion proof (audit path) of entry `index` in the tree of size `treeSize`',
    tag: 'log',
    access: 'public',
    query: z.strictObject({ index, treeSize: index }),
    response: z.object({ index: z.int(), treeSize: z.int(), leafHash: z.string(), proof: hashes }),
    handler: async ({ query }) => {
      const p = await log.inclusionProof(query.index, query.treeSize);
      return { index: query.index, treeSize: query.treeSize, leafHash: toBase64(p.leafHash), proof: p.proof.map(toBase64) };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/log/proofs/inclusion-batch',
    summary: `Inclusion proofs of up to ${MAX_BATCH} entries (comma-separated \`indexes\`) in the tree of size \`treeSize\`: one round trip per page of a verifier`,
    tag: 'log',
    access: 'public',
    query: z.strictObject({
      treeSize: index,
      indexes: z
        .string()
        .regex(new RegExp(`^\\d{1,15}(,\\d{1,15}){0,${MAX_BATCH - 1}}$`), { message: `indexes: 1-${MAX_BATCH} comma-separated entry indexes` }),
    }),
    response: z.object({ treeSize: z.int(), proofs: z.array(z.object({ index: z.int(), leafHash: z.string(), proof: hashes })) }),
    handler: async ({ query }) => {
      const proofs = [];
      for (const i of new Set(query.indexes.split(',').map(Number))) {
        const p = await log.inclusionProof(i, query.treeSize);
        proofs.push({ index: i, leafHash: toBase64(p.leafHash), proof: p.proof.map(toBase64) });
      }
      return { treeSize: query.treeSize, proofs };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/log/proofs/consistency',
    summary: 'Consistency proof that the tree of size `first` is a prefix of the tree of size `second`',
    tag: 'log',
    access: 'public',
    query: z.strictObject({ first: index, second: index }),
    response: z.object({ first: z.int(), second: z.int(), proof: hashes }),
    handler: async ({ query }) => {
      const proof = await log.consistencyProof(query.first, query.second);
      return { first: query.first, second: query.second, proof: proof.map(toBase64) };
    },
  });
}
