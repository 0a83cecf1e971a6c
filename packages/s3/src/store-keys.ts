import { InvalidObjectError, MAX_KEY_BYTES, joinKey, normalizePrefix } from "@stowage/core";

/**
 * Object keys of an {@link S3Store}: `<prefix>/<storeId>/<model>/<uid>`, where model type names and
 * uids, which may be any string (empty, with `/`, `%`, unicode...), are escaped into one safe,
 * non-empty, ASCII path segment each.
 */
export class StoreKeys {
  /** `<prefix>/<storeId>/`: every key of the store starts with it. */
  readonly root: string;

  constructor(prefix: string, storeId: string) {
    this.root = `${joinKey(normalizePrefix(prefix), storeId)}/`;
  }

  /** The folder (with trailing `/`) holding every object of a model. */
  modelFolder(modelName: string): string {
    return `${this.root}${escapeSegment(modelName)}/`;
  }

  /** The object key of one stored object; rejects uids too long for S3 with `InvalidObjectError`. */
  objectKey(modelName: string, uid: string): string {
    const key = `${this.modelFolder(modelName)}${escapeSegment(uid)}`;
    if (Buffer.byteLength(key) > MAX_KEY_BYTES) {
      throw new InvalidObjectError(`${modelName} ${JSON.stringify(uid.slice(0, 40))}...: key longer than S3's ${MAX_KEY_BYTES} bytes once escaped`);
    }
    return key;
  }

  /** The model type name of a folder listed under {@link root} (`<root><escaped>/`). */
  modelOfFolder(folder: string): string {
    return unescapeSegment(folder.slice(this.root.length, -1));
  }
}

/**
 * `_` followed by the value percent-encoded, keeping only `A-Z a-z 0-9 - _` literal. The leading
 * `_` keeps the empty uid a non-empty segment; escaping `.` rules out `.` and `..` segments that
 * some S3-compatible servers and tools normalize away.
 */
export function escapeSegment(value: string): string {
  return `_${encodeURIComponent(value).replace(/[.!'()*~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}

/** The inverse of {@link escapeSegment}. */
export function unescapeSegment(segment: string): string {
  return decodeURIComponent(segment.slice(1));
}
