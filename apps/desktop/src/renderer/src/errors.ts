// Turns what the API throws into words for people: one message per field (shown next to it), and a form
// message only for what no field shows. Raw schema text ("Too small: expected string to have >=1
// characters"), field paths and transport errors ("fetch failed") never reach the screen as they are.
import { StudioApiError } from '../../shared/studio-api';

export interface FormError {
  /** For the form as a whole; null when every problem is shown next to its field. */
  message: string | null;
  fields: Record<string, string>;
}

const FIELD_NAMES: Record<string, string> = {
  displayName: 'a display name',
  username: 'a username',
  email: 'an email address',
  password: 'a password',
  serverUrl: 'the server address',
  title: 'a title',
  description: 'a description',
  bio: 'a bio',
  price: 'a price',
  amount: 'an amount',
  scheduledAt: 'a release date and time',
};

const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

/** One message in words: schema defaults are rewritten, "field: " prefixes dropped, the first letter capitalised. */
export function humanMessage(raw: string, field?: string): string {
  const what = (field && FIELD_NAMES[field]) ?? 'a value';
  let m = raw.trim().replace(/^[a-zA-Z]+: (?=\S)/, '');
  const tooSmall = /Too small: expected (string|array) to have >=(\d+) (characters|items)/i.exec(m);
  const tooBig = /Too big: expected (string|array) to have <=(\d+) (characters|items)/i.exec(m);
  if (tooSmall) m = tooSmall[2] === '1' ? `enter ${what}` : `use at least ${tooSmall[2]} ${tooSmall[3]}`;
  else if (tooBig) m = `use at most ${Number(tooBig[2]).toLocaleString()} ${tooBig[3]}`;
  else if (/^Invalid (input|option|enum)/i.test(m) || /^Required$/i.test(m)) m = `enter ${what}`;
  else if (/fetch failed|ECONNREFUSED|ENOTFOUND|network|Failed to fetch|cannot reach|lost the connection/i.test(m))
    m = "can't reach the server right now. Check the address and that the server is running, then try again";
  return cap(m.replace(/\.$/, '')) + '.';
}

/**
 * The error of a submit. `shown` lists the fields this form shows next to their inputs; problems with
 * other fields go to the form message, so nothing is lost and nothing is said twice.
 */
export function formError(err: unknown, shown: string[] = []): FormError {
  const raw = err instanceof Error ? err.message : String(err);
  const rawFields = err instanceof StudioApiError ? (err.details?.fields ?? {}) : {};
  const fields: Record<string, string> = {};
  const elsewhere: string[] = [];
  for (const [k, v] of Object.entries(rawFields)) {
    if (shown.includes(k)) fields[k] = humanMessage(v, k);
    else elsewhere.push(humanMessage(v, k));
  }
  let message: string | null = elsewhere.length ? elsewhere.join(' ') : null;
  if (Object.keys(rawFields).length === 0) message = humanMessage(raw);
  return { message, fields };
}
