// Numeric command-line options, checked the same way by every command: a bad value is a usage error
// (exit 2) that names the option and its range.
import { EXIT, CliError } from './exit-codes.js';

/** A whole number from 1 to max; `def` when the option is absent. */
export function intOption(v: unknown, name: string, def: number, max: number): number {
  if (v === undefined) return def;
  const n = Number(v);
  if (typeof v !== 'string' || !/^\d+$/.test(v) || !Number.isSafeInteger(n) || n < 1 || n > max) {
    throw new CliError(EXIT.USAGE, `--${name} must be an integer from 1 to ${max}`);
  }
  return n;
}

/** A finite number from lo to hi; undefined when the option is absent. */
export function numberOption(v: unknown, name: string, lo: number, hi: number): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (typeof v !== 'string' || v.trim() === '' || !Number.isFinite(n) || n < lo || n > hi) {
    throw new CliError(EXIT.USAGE, `--${name} must be a number from ${lo} to ${hi}`);
  }
  return n;
}
