// RFC 8785 JSON Canonicalization Scheme (JCS): the one byte sequence we hash and sign for a JSON value.
// Numbers use ECMAScript's Number-to-string (which RFC 8785 adopts), strings use JSON.stringify's escaping
// (the same minimal escaping RFC 8785 requires), and object keys are sorted by UTF-16 code units, which is
// what JavaScript's default string comparison does.
//
// Anything JSON cannot represent exactly is rejected with a CoreError('NOT_CANONICALIZABLE') naming the path,
// because silently dropping or coercing a value would sign something other than what the caller holds:
// NaN/Infinity, BigInt, functions, symbols, undefined in arrays or at the top level, lone surrogates (I-JSON),
// cycles, and non-plain objects (Map, Set, class instances, typed arrays). Object properties whose value is
// undefined are omitted, like JSON.stringify does, so an optional field that is absent and one that is
// undefined sign the same way. Objects with toJSON (e.g. Date) are serialized through it, like JSON.stringify.
import { CoreError } from './errors';
import { utf8 } from './encoding';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

function fail(path: string, why: string): never {
  throw new CoreError('NOT_CANONICALIZABLE', `cannot canonicalize ${path}: ${why}`, { path });
}

function serializeString(s: string, path: string): string {
  if (LONE_SURROGATE.test(s)) fail(path, 'string contains a lone UTF-16 surrogate (not I-JSON)');
  return JSON.stringify(s);
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

function serialize(value: unknown, path: string, seen: Set<object>): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isFinite(value)) fail(path, `${value} is not a finite number`);
      // ECMAScript Number.prototype.toString is exactly RFC 8785's number format; -0 becomes "0".
      return String(value);
    case 'string':
      return serializeString(value, path);
    case 'undefined':
      return fail(path, 'undefined is not a JSON value');
    case 'bigint':
      return fail(path, 'BigInt is not a JSON value (convert it to a string or a safe integer first)');
    case 'function':
    case 'symbol':
      return fail(path, `${typeof value} is not a JSON value`);
  }
  const obj = value as object;
  if (typeof (obj as { toJSON?: unknown }).toJSON === 'function') {
    return serialize((obj as { toJSON: (key: string) => unknown }).toJSON(''), path, seen);
  }
  if (seen.has(obj)) fail(path, 'the value contains a cycle');
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      const parts: string[] = [];
      for (let i = 0; i < obj.length; i++) {
        const item: unknown = obj[i];
        if (item === undefined) fail(`${path}[${i}]`, 'undefined (or a hole) in an array is not a JSON value');
        parts.push(serialize(item, `${path}[${i}]`, seen));
      }
      return '[' + parts.join(',') + ']';
    }
    if (!isPlainObject(obj)) {
      const name = (obj as { constructor?: { name?: string } }).constructor?.name ?? 'unknown';
      fail(path, `${name} is not a plain object`);
    }
    const record = obj as Record<string, unknown>;
    // Default sort compares UTF-16 code units, as RFC 8785 section 3.2.3 requires.
    const keys = Object.keys(record).sort();
    const parts: string[] = [];
    for (const key of keys) {
      const v = record[key];
      if (v === undefined) continue;
      const childPath = `${path}.${key}`;
      parts.push(serializeString(key, childPath) + ':' + serialize(v, childPath, seen));
    }
    return '{' + parts.join(',') + '}';
  } finally {
    seen.delete(obj);
  }
}

/** The RFC 8785 canonical JSON text of `value`. Throws CoreError('NOT_CANONICALIZABLE') on non-JSON input. */
export function canonicalJson(value: unknown): string {
  return serialize(value, '$', new Set());
}

/** UTF-8 bytes of canonicalJson(value): what gets hashed and signed. */
export function canonicalJsonBytes(value: unknown): Uint8Array {
  return utf8(canonicalJson(value));
}
