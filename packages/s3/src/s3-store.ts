import type { S3Client } from "@aws-sdk/client-s3";
import {
  BaseStore,
  ObjectStoreError,
  isStowageError,
  mapLimit,
  normalizePrefix,
  validateKey,
  type BaseStoreOptions,
  type ObjectModel,
  InvalidOptionsError,
  positiveInteger,
} from "@stowage/core";
import { randomUUID } from "node:crypto";
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from "./sdk.js";
import { BucketCheck } from "./bucket-check.js";
import { listObjectPages, resolveMaxKeys } from "./list-objects.js";
import { checkBucket, resolveClient, type S3ClientChoice } from "./s3-client.js";
import { isMissingObject, redactSdkError, toStowageError } from "./s3-errors.js";
import { StoreKeys } from "./store-keys.js";

/** Options of {@link S3Store}. */
export type S3StoreOptions = BaseStoreOptions &
  S3ClientChoice & {
    /** The bucket; it must exist. */
    bucket: string;
    /** A folder of the bucket holding the store. Default: the bucket root. */
    prefix?: string;
    /** The store's folder under `prefix`: stores with the same id share their objects. Default: a random UUID. */
    storeId?: string;
    /** Requests in flight at once in bulk reads and deletes. Default 16. */
    concurrency?: number;
    /**
     * The server honours conditional writes (`If-None-Match: *` on PutObject, `If-Match` on
     * DeleteObject), as AWS S3 does: `add` then takes one request and is atomic, and of two
     * concurrent removes only one succeeds. Set `false` for a server that ignores them (they would
     * silently overwrite): every change then checks first, with a race window. Default `true`.
     */
    conditionalWrites?: boolean;
    /**
     * Keys per listing request (ListObjectsV2 `MaxKeys`), from 1 to 1000: `iterate` reads one page
     * of objects at a time, and `count` and `getAllModelNames` follow every page. Default 1000.
     */
    maxKeys?: number;
  };

/** An insert that keeps losing races (created, then deleted, by others) gives up after this many tries. */
const INSERT_ATTEMPTS = 5;

/**
 * The object store on S3: each object is a JSON document at `<prefix>/<storeId>/<model>/<uid>`
 * (model and uid escaped into safe segments). Reads of many objects run with bounded concurrency;
 * a scan streams one listing page (`maxKeys` objects) at a time, listing the next while reading one.
 *
 * With conditional writes (`conditionalWrites`, on by default, as AWS S3 supports them) `add` is
 * atomic: of two writers adding the same uid, one wins; and of two concurrent removes, one succeeds.
 */
export class S3Store extends BaseStore {
  /** The S3 client in use. */
  readonly client: S3Client;
  /** The bucket holding the store. */
  readonly bucket: string;
  /** The folder of the bucket holding the store (`""` for the bucket root). */
  readonly prefix: string;
  /** The store's id: its folder under `prefix`. */
  readonly storeId: string;
  readonly #keys: StoreKeys;
  readonly #owned: boolean;
  readonly #concurrency: number;
  readonly #conditional: boolean;
  readonly #maxKeys: number;
  readonly #bucketCheck: BucketCheck;

  constructor(options: S3StoreOptions) {
    super(options);
    this.bucket = checkBucket("S3Store", options.bucket);
    this.storeId = options.storeId ?? randomUUID();
    if (this.storeId.includes("/")) throw new InvalidOptionsError("storeId", this.storeId, "must not contain '/'", "S3Store");
    validateKey(this.storeId);
    this.#concurrency = positiveInteger("concurrency", options.concurrency ?? 16, "S3Store");
    this.#conditional = options.conditionalWrites ?? true;
    this.#maxKeys = resolveMaxKeys("S3Store", options.maxKeys);
    this.prefix = normalizePrefix(options.prefix ?? "");
    this.#keys = new StoreKeys(this.prefix, this.storeId);
    const { client, owned } = resolveClient(options, "S3Store");
    this.client = client;
    this.#owned = owned;
    this.#bucketCheck = new BucketCheck(client, this.bucket);
  }

  protected async getMany(modelName: string, uids: readonly string[]): Promise<(ObjectModel | undefined)[]> {
    const unique = [...new Set(uids)];
    const found = await mapLimit(unique, this.#concurrency, (uid) => this.#read(this.#keys.objectKey(modelName, uid)));
    const byUid = new Map(unique.map((uid, index) => [uid, found[index]]));
    return uids.map((uid) => byUid.get(uid));
  }

  protected async *scan(modelName: string): AsyncGenerator<readonly ObjectModel[], void, undefined> {
    const pages = this.#pages(this.#keys.modelFolder(modelName));
    let next = pages.next();
    for (;;) {
      const page = await next;
      if (page.done) return;
      // List the next page while this one's objects are read.
      next = pages.next();
      next.catch(() => undefined); // a caller that stops early must not leave it unhandled
      const objects = await mapLimit(page.value, this.#concurrency, (key) => this.#read(key));
      // An object deleted between the listing and the read simply drops out.
      yield objects.filter((obj): obj is ObjectModel => obj !== undefined);
    }
  }

  protected async insert(obj: ObjectModel): Promise<ObjectModel | undefined> {
    const key = this.#keys.objectKey(obj.getType(), obj.getUniqueId());
    for (let attempt = 0; attempt < INSERT_ATTEMPTS; attempt++) {
      if (!this.#conditional) {
        const existing = await this.#read(key);
        if (existing !== undefined) return existing;
      }
      try {
        await this.client.send(new PutObjectCommand({ ...this.#document(key, obj), IfNoneMatch: "*" }));
        return undefined;
      } catch (error) {
        if (!isPreconditionFailure(error)) throw this.#error(error, "add");
      }
      // Stored already (maybe by a concurrent writer): return it, unless it is gone again.
      const existing = await this.#read(key);
      if (existing !== undefined) return existing;
    }
    throw new ObjectStoreError(`${obj.getType()} ${JSON.stringify(obj.getUniqueId())}: add kept racing with other writers`);
  }

  protected async put(obj: ObjectModel): Promise<void> {
    const key = this.#keys.objectKey(obj.getType(), obj.getUniqueId());
    await this.#call("update", () => this.client.send(new PutObjectCommand(this.#document(key, obj))));
  }

  protected async deleteMany(modelName: string, uids: readonly string[]): Promise<boolean[]> {
    const unique = [...new Set(uids)];
    const deleted = await mapLimit(unique, this.#concurrency, (uid) => this.#delete(this.#keys.objectKey(modelName, uid)));
    // Like a Map's delete: a uid asked twice was deleted by its first occurrence only.
    const pending = new Map(unique.map((uid, index) => [uid, deleted[index] === true]));
    return uids.map((uid) => {
      const result = pending.get(uid) === true;
      pending.set(uid, false);
      return result;
    });
  }

  protected async countStored(modelName: string | undefined): Promise<number> {
    const folder = modelName === undefined ? this.#keys.root : this.#keys.modelFolder(modelName);
    let count = 0;
    for await (const keys of this.#pages(folder)) count += keys.length;
    return count;
  }

  protected async modelNames(): Promise<string[]> {
    const names = new Set<string>();
    await this.#call("list", async () => {
      for await (const page of listObjectPages(this.client, this.bucket, this.#keys.root, { delimiter: "/", maxKeys: this.#maxKeys })) {
        // A Set, because some servers repeat a CommonPrefix on several pages.
        for (const folder of page.folders) names.add(this.#keys.modelOfFolder(folder));
      }
    });
    return [...names];
  }

  /** Destroys the client if this store created it. */
  override async close(): Promise<void> {
    if (this.#owned) this.client.destroy();
  }

  #document(key: string, obj: ObjectModel): { Bucket: string; Key: string; Body: string; ContentType: string } {
    return { Bucket: this.bucket, Key: key, Body: this.encode(obj), ContentType: "application/json" };
  }

  async #read(key: string): Promise<ObjectModel | undefined> {
    let text: string;
    try {
      const response = await this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: key }));
      text = (await response.Body?.transformToString("utf8")) ?? "";
    } catch (error) {
      if (isMissingObject(error)) return undefined;
      throw this.#error(error, "read");
    }
    return this.decode(text);
  }

  /**
   * Deletes one object; true when this call deleted it. With conditional writes the delete names
   * the ETag just seen, so of two concurrent removes only one reports success.
   */
  async #delete(key: string): Promise<boolean> {
    let etag: string | undefined;
    try {
      etag = (await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: key }))).ETag;
    } catch (error) {
      if (!isMissingObject(error)) throw this.#error(error, "remove");
      // A bare 404: the object is gone, unless the whole bucket is.
      await this.#call("remove", () => this.#bucketCheck.assertExists("remove"));
      return false;
    }
    try {
      await this.client.send(
        new DeleteObjectCommand({ Bucket: this.bucket, Key: key, ...(this.#conditional && etag !== undefined ? { IfMatch: etag } : {}) }),
      );
      return true;
    } catch (error) {
      if (isMissingObject(error) || isPreconditionFailure(error)) return false;
      throw this.#error(error, "remove");
    }
  }

  /** The keys under `folder`, one listing page at a time. */
  async *#pages(folder: string): AsyncGenerator<string[], void, undefined> {
    const pages = listObjectPages(this.client, this.bucket, folder, { maxKeys: this.#maxKeys });
    for (;;) {
      const page = await this.#call("list", () => pages.next());
      if (page.done) return;
      yield page.value.objects.flatMap((object) => (object.Key === undefined ? [] : [object.Key]));
    }
  }

  async #call<T>(operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      throw this.#error(error, operation);
    }
  }

  /** S3 failures as stowage errors: unavailability stays `StorageUnavailableError`, the rest `ObjectStoreError`. */
  #error(error: unknown, operation: string): Error {
    const mapped = toStowageError(error, operation, this.bucket);
    return isStowageError(mapped, "E_IO") ? new ObjectStoreError(mapped.message, { cause: redactSdkError(error) }) : mapped;
  }
}

function isPreconditionFailure(error: unknown): boolean {
  const { name, $metadata } = (error ?? {}) as { name?: unknown; $metadata?: { httpStatusCode?: number } };
  return name === "PreconditionFailed" || name === "ConditionalRequestConflict" || $metadata?.httpStatusCode === 412 || $metadata?.httpStatusCode === 409;
}
