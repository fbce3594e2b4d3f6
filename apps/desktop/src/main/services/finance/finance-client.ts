// The creator's balance and payouts from the sync server, parsed with @fanz/core's finance schemas (the
// wire format the server serializes with). A payout list that cannot be read is an error in words, not
// "no payouts".
import { balanceSchema, payoutSchema, type Balance, type Payout } from '@fanz/core';
import { z } from 'zod';
import { StudioApiError } from '../../../shared/studio-api.js';
import { callServer } from '../account/server-client.js';

const payoutList = z.object({ payouts: z.array(payoutSchema) });

export interface FinanceView {
  balance: Balance;
  payouts: Payout[];
  /** Why the payout list is missing (the balance was read); null when it was read. */
  payoutsError: string | null;
}

function parsed<T>(schema: z.ZodType<T>, data: unknown, what: string): T {
  const r = schema.safeParse(data);
  if (!r.success) throw new StudioApiError('BAD_SERVER_RESPONSE', `the server's ${what} is not in the FANZ format (${r.error.issues[0]?.path.join('.') || 'body'}: ${r.error.issues[0]?.message})`);
  return r.data;
}

/** Balance (required: throws when it cannot be read) and payouts (an error in payoutsError instead). */
export async function readFinance(serverUrl: string, accessToken: string): Promise<FinanceView> {
  const [balance, listed] = await Promise.all([
    callServer(serverUrl, 'GET', '/api/v1/finance/balance', { accessToken }),
    callServer(serverUrl, 'GET', '/api/v1/finance/payouts', { accessToken }).then(
      (data) => ({ data, error: null }),
      (err: unknown) => ({ data: null, error: (err as Error).message }),
    ),
  ]);
  const b = parsed(balanceSchema, balance, 'balance');
  if (listed.error !== null) return { balance: b, payouts: [], payoutsError: `your payouts could not be loaded: ${listed.error}` };
  try {
    return { balance: b, payouts: parsed(payoutList, listed.data, 'payout list').payouts, payoutsError: null };
  } catch (err) {
    return { balance: b, payouts: [], payoutsError: `your payouts could not be loaded: ${(err as Error).message}` };
  }
}
