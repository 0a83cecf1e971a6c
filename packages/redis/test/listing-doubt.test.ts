import { randomUUID } from "node:crypto";
import { isStowageError, type FileStat } from "@stowage/core";
import { describe, expect, it } from "vitest";
import { RedisStorage } from "../src/index.js";
import { useTopologies } from "./topologies.js";

const topologies = useTopologies();

/** The reason `promise` rejected with, or a failure when it resolved. */
async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (value) => {
      throw new Error(`expected a rejection, got ${JSON.stringify(value)?.slice(0, 200)}`);
    },
    (reason: unknown) => reason,
  );
}

async function drain(iterator: AsyncIterator<FileStat>, into: FileStat[]): Promise<void> {
  for (;;) {
    const step = await iterator.next();
    if (step.done === true) return;
    into.push(step.value);
  }
}

for (const [topology, connect] of topologies) {
  describe(`RedisStorage listings never end early on doubt (issue 20, ${topology})`, () => {
    const open = () => new RedisStorage({ ...connect(), namespace: randomUUID() });
    const fill = async (storage: RedisStorage, count: number, folder = "d") => {
      for (let start = 0; start < count; start += 250) {
        await Promise.all(Array.from({ length: Math.min(250, count - start) }, (_, i) => storage.write(`${folder}/f${String(start + i).padStart(5, "0")}`, "x")));
      }
    };

    it("streamList rejects with E_IO when the index vanishes mid-walk, rather than yielding fewer files", async () => {
      const storage = open();
      try {
        await fill(storage, 2500);
        const iterator = storage.streamList("d")[Symbol.asyncIterator]();
        const seen: FileStat[] = [];
        for (let i = 0; i < 1000; i++) {
          const step = await iterator.next();
          if (step.done === true) throw new Error("the listing ended after " + i);
          seen.push(step.value);
        }
        await storage.client.del(`{${storage.namespace}}:files`);
        const error = await rejection(drain(iterator, seen));
        expect(isStowageError(error, "E_IO")).toBe(true);
        expect(seen.length).toBeLessThan(2500);
      } finally {
        await storage.close();
      }
    });

    it("streamList rejects with E_IO when the metadata vanishes under a page", async () => {
      const storage = open();
      try {
        await fill(storage, 1500);
        const iterator = storage.streamList("")[Symbol.asyncIterator]();
        const seen: FileStat[] = [];
        for (let i = 0; i < 1000; i++) seen.push((await iterator.next()).value as FileStat);
        await storage.client.del(`{${storage.namespace}}:meta`);
        expect(isStowageError(await rejection(drain(iterator, seen)), "E_IO")).toBe(true);
      } finally {
        await storage.close();
      }
    });

    it("list, recursiveList and streamList reject with E_IO when the index is missing while files are catalogued", async () => {
      const storage = open();
      try {
        await fill(storage, 20);
        await storage.client.del(`{${storage.namespace}}:files`);
        for (const listing of [storage.list(""), storage.list("d"), storage.recursiveList(""), storage.recursiveList("d"), drain(storage.streamList("d"), [])]) {
          const error = await rejection(listing);
          expect(isStowageError(error, "E_IO")).toBe(true);
          expect((error as Error).message).toMatch(/index .* is missing/);
        }
      } finally {
        await storage.close();
      }
    });

    it("an empty namespace, a missing folder and a namespace emptied by deletes list as empty", async () => {
      const storage = open();
      try {
        const empty = async () => {
          const stats: FileStat[] = [];
          await drain(storage.streamList(""), stats);
          return [await storage.list(""), await storage.recursiveList("nowhere"), await storage.list("nowhere"), stats];
        };
        expect(await empty()).toEqual([[], [], [], []]);
        await fill(storage, 3);
        await Promise.all([0, 1, 2].map((i) => storage.delete(`d/f0000${i}`)));
        expect(await empty()).toEqual([[], [], [], []]);
      } finally {
        await storage.close();
      }
    });
  });
}
