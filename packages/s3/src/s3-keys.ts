import { isUnderPrefix, joinKey, normalizePrefix, relativeKey, validateKey } from "@stowage/core";

/**
 * Maps storage keys to S3 object keys under an optional root prefix, and back. Storage keys are
 * already validated; every character is literal, so nothing is escaped in the object key itself.
 */
export class KeySpace {
  /** The root prefix, normalized, without a trailing `/` (`""` for the bucket root). */
  readonly root: string;

  constructor(readonly bucket: string, prefix = "") {
    this.root = normalizePrefix(prefix);
  }

  /** The object key of a storage key. */
  objectKey(key: string): string {
    return joinKey(this.root, key);
  }

  /** The S3 `Prefix` that lists the inside of storage folder `folder` (`""` is the root). */
  listPrefix(folder: string): string {
    const full = folder === "" ? this.root : joinKey(this.root, folder);
    return full === "" ? "" : `${full}/`;
  }

  /** The storage key of an object key, or `undefined` when it lies outside the root. */
  storageKey(objectKey: string): string | undefined {
    if (this.root === "") return objectKey;
    return isUnderPrefix(objectKey, this.root) ? relativeKey(objectKey, this.root) : undefined;
  }

  /**
   * The `CopySource` header for a storage key: `bucket/key`, each segment percent-encoded, as S3
   * requires. Unencoded, `+` would arrive as a space and `?`, `#`, `%` would cut or corrupt the key.
   */
  copySource(key: string): string {
    const encoded = this.objectKey(key).split("/").map(encodeURIComponent).join("/");
    return `${this.bucket}/${encoded}`;
  }
}

/**
 * The storage key of a listed object; `undefined` for keys outside the root and for keys other
 * S3 tools can make but stowage never does (folder markers `a/`, empty segments `a//b`, `..`):
 * they cannot be read back through the storage API, so they are not listed as files.
 */
export function addressableKey(keys: KeySpace, objectKey: string): string | undefined {
  const key = keys.storageKey(objectKey);
  if (key === undefined) return undefined;
  try {
    validateKey(key);
    return key;
  } catch {
    return undefined;
  }
}
