// The object-store and adapter-sync suites under jest, on a store whose arrays come from another
// realm (vm.runInNewContext), as a native module's (better-sqlite3's) arrays come from outside
// jest's vm context. Neither the suite nor core may depend on which realm a store's arrays come
// from: node:assert's strict deepEqual tells them apart by their prototype.
const vm = require("node:vm");
const { BaseStore } = require("@stowage/core");
const { describeAdapterSync, describeObjectStore } = require("../../dist/index.cjs");

/** Builds an array in a realm of its own: Array.prototype there is not this realm's. */
const foreignArray = vm.runInNewContext("(items) => Array.from(items)");

/** A persistent-like store keeping JSON text in a map that several instances share; every array it returns is foreign. */
class ForeignArrayStore extends BaseStore {
  constructor(backend = new Map()) {
    super();
    this.backend = backend;
  }

  async getMany(modelName, uids) {
    const bucket = this.backend.get(modelName);
    return foreignArray(uids.map((uid) => (bucket?.has(uid) ? this.decode(bucket.get(uid)) : undefined)));
  }

  async *scan(modelName) {
    const texts = [...(this.backend.get(modelName)?.values() ?? [])];
    for (let start = 0; start < texts.length; start += 100) yield foreignArray(texts.slice(start, start + 100).map((text) => this.decode(text)));
  }

  async insert(obj) {
    const text = this.backend.get(obj.getType())?.get(obj.getUniqueId());
    if (text !== undefined) return this.decode(text);
    this.#write(obj);
    return undefined;
  }

  async put(obj) {
    this.#write(obj);
  }

  #write(obj) {
    let bucket = this.backend.get(obj.getType());
    if (bucket === undefined) this.backend.set(obj.getType(), (bucket = new Map()));
    bucket.set(obj.getUniqueId(), this.encode(obj));
  }

  async deleteMany(modelName, uids) {
    const bucket = this.backend.get(modelName);
    const deleted = foreignArray(uids.map((uid) => bucket?.delete(uid) ?? false));
    if (bucket?.size === 0) this.backend.delete(modelName);
    return deleted;
  }

  async countStored(modelName) {
    if (modelName !== undefined) return this.backend.get(modelName)?.size ?? 0;
    return [...this.backend.values()].reduce((total, bucket) => total + bucket.size, 0);
  }

  async modelNames() {
    return foreignArray(this.backend.keys());
  }
}

test("the store's arrays really are from another realm", async () => {
  const store = new ForeignArrayStore();
  expect(Object.getPrototypeOf(await store.getMany("x", ["a"])) === Array.prototype).toBe(false);
});

describeObjectStore({ describe, it }, {
  name: "ForeignArrayStore under jest",
  create: () => new ForeignArrayStore(),
  reopen: (store) => new ForeignArrayStore(store.backend),
  order: "insertion",
  largeCount: 500,
});

describeAdapterSync({ describe, it }, { name: "ForeignArrayStore under jest", createStore: () => new ForeignArrayStore() });
