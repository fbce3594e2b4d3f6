// /api/v1/devices: creators register the Ed25519 public keys of their devices; later routes (payouts)
// verify `fanz-signature` headers against these keys.
import { createPublicKey } from 'node:crypto';
import type { Database } from '../db/database.js';
import { ApiError } from '../errors.js';
import type { RouteTable } from '../http/routes.js';
import { newId } from '@fanz/core';
import { deviceBody, deviceList, deviceResult } from '../auth/schemas.js';

function assertEd25519(publicKey: string): void {
  try {
    createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: publicKey }, format: 'jwk' });
  } catch {
    throw new ApiError('VALIDATION_ERROR', 'publicKey is not an Ed25519 public key.', { field: 'publicKey' });
  }
}

export function deviceRoutes(routes: RouteTable, db: Database): void {
  routes.add({
    method: 'POST',
    url: '/api/v1/devices',
    summary: "Register a device's Ed25519 public key (base64url) for signed requests",
    tag: 'devices',
    access: 'creator',
    body: deviceBody,
    response: deviceResult,
    status: 201,
    handler: async ({ body, user }) => {
      assertEd25519(body.publicKey);
      const keyId = newId('key');
      try {
        await db.query('INSERT INTO device_keys (id, user_id, public_key, name) VALUES ($1, $2, $3, $4)', [
          keyId,
          user.id,
          body.publicKey,
          body.name,
        ]);
      } catch (err) {
        if ((err as { code?: string }).code === '23505') throw new ApiError('CONFLICT', 'This public key is already registered.');
        throw err;
      }
      return { keyId };
    },
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/devices',
    summary: "List the caller's registered device keys",
    tag: 'devices',
    access: 'creator',
    response: deviceList,
    handler: async ({ user }) => {
      const rows = await db.query<{ id: string; name: string; public_key: string; created_at: Date | string }>(
        'SELECT id, name, public_key, created_at FROM device_keys WHERE user_id = $1 AND revoked_at IS NULL ORDER BY created_at',
        [user.id],
      );
      return {
        devices: rows.map((r) => ({
          keyId: r.id,
          name: r.name,
          publicKey: r.public_key,
          createdAt: new Date(r.created_at).toISOString(),
        })),
      };
    },
  });
}
