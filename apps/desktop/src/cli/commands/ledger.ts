// `ledger verify | list | append`: the studio's signed offline ledger from the command line.
// verify exits 0 when the whole chain verifies and LEDGER_INVALID (7) otherwise, naming the first bad entry.
import type { Command, CommandContext } from '../command.js';
import { EXIT, CliError } from '../exit-codes.js';
import { intOption } from '../options.js';
import { AccountStore, fileSecretBox } from '../../main/services/account/account-store.js';
import { LedgerError } from '../../main/services/ledger/ledger-errors.js';
import { LEDGER_KINDS, LedgerService } from '../../main/services/ledger/ledger-service.js';
import { verifyAgainstAttestation } from '../../main/services/ledger/ledger-attestation.js';
import type { LedgerEntry } from '@fanz/core';

/** `ledger verify` found a bad entry. Distinct from FAILED so scripts can tell tampering from a crash. */
export const LEDGER_INVALID = EXIT.LEDGER_INVALID;

const USAGE = `ledger verify | ledger list [--limit N] | ledger append <${LEDGER_KINDS.join('|')}> --body JSON [--count N]`;

function entryLine(e: LedgerEntry): string {
  const body = JSON.stringify(e.body) ?? '';
  return `#${e.seq} ${new Date(e.timestamp).toISOString()} ${e.kind.padEnd(16)} ${e.keyId} ${body.length > 80 ? `${body.slice(0, 77)}...` : body}`;
}

function verify(ctx: CommandContext): number {
  const studio = ctx.studio();
  const ledger = new LedgerService(studio.db);
  const r = ledger.verify();
  // A chain that verifies can still have lost its tail: compare with the last head attested in a server's log.
  const a = r.ok ? verifyAgainstAttestation(studio.db, ledger) : null;
  const ok = r.ok && (a?.ok ?? true);
  ctx.out.result({ ...r, ok, attested: a?.attested ?? null, attestationProblem: a?.problem ?? null }, () =>
    !r.ok
      ? `ledger INVALID at position ${r.firstBad!.position}${r.firstBad!.seq === null ? '' : ` (seq ${r.firstBad!.seq})`}: ${r.firstBad!.problem}: ${r.firstBad!.reason}`
      : a && !a.ok
        ? `ledger INVALID: ${a.problem}`
        : `ledger ok: ${r.entries} entr${r.entries === 1 ? 'y' : 'ies'} verify${r.headHash ? ` (head ${r.headHash})` : ''}${a?.attested ? `; attested head #${a.attested.seq} present` : ''}`,
  );
  return ok ? EXIT.OK : LEDGER_INVALID;
}

function list(ctx: CommandContext): number {
  const limit = intOption(ctx.values.limit, 'limit', 50, 1000);
  const ledger = new LedgerService(ctx.studio().db);
  const entries = ledger.recent(limit);
  const total = ledger.count();
  ctx.out.result({ entries, total }, () => [...entries.map(entryLine), `${entries.length} of ${total}`].join('\n'));
  return EXIT.OK;
}

function append(ctx: CommandContext): number {
  const kind = ctx.positionals[1];
  if (!kind || ctx.positionals.length > 2) throw new CliError(EXIT.USAGE, 'ledger append takes exactly one kind');
  const text = ctx.values.body;
  if (typeof text !== 'string') throw new CliError(EXIT.USAGE, 'ledger append needs --body JSON');
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    throw new CliError(EXIT.USAGE, `--body is not JSON: ${(err as Error).message}`);
  }
  // For scripts and crash tests: N separate appends, each its own durable transaction.
  const count = intOption(ctx.values.count, 'count', 1, 1_000_000);
  const studio = ctx.studio();
  const ledger = new LedgerService(studio.db, { accounts: new AccountStore(studio.db, fileSecretBox(studio.dataDir)) });
  const appended: LedgerEntry[] = [];
  try {
    for (let i = 0; i < count; i++) {
      if (ctx.signal.aborted) break;
      const e = ledger.append(kind, body);
      if (count <= 1000) appended.push(e);
    }
  } catch (err) {
    if (err instanceof LedgerError) {
      throw new CliError(err.code === 'BAD_KIND' || err.code === 'BAD_BODY' ? EXIT.USAGE : EXIT.ENVIRONMENT, err.message);
    }
    throw err;
  }
  ctx.out.result({ appended }, () => appended.map(entryLine).join('\n'));
  return ctx.signal.aborted ? EXIT.CANCELLED : EXIT.OK;
}

export const ledgerCommand: Command = {
  name: 'ledger',
  summary: 'The signed offline ledger: verify the chain, list recent entries, append one',
  usage: USAGE,
  options: {
    body: { type: 'string' },
    limit: { type: 'string' },
    count: { type: 'string' },
  },
  async run(ctx) {
    const sub = ctx.positionals[0];
    if (sub === 'verify' || sub === 'list') {
      if (ctx.positionals.length > 1) throw new CliError(EXIT.USAGE, `ledger ${sub} takes no arguments`);
      return sub === 'verify' ? verify(ctx) : list(ctx);
    }
    if (sub === 'append') return append(ctx);
    throw new CliError(EXIT.USAGE, sub ? `unknown ledger subcommand ${sub}` : 'ledger needs a subcommand: verify, list or append');
  },
};
