import { randomBytes } from "node:crypto";
import { S3Client } from "@aws-sdk/client-s3";
import { isStowageError, syncStorages } from "@stowage/core";
import { faultyClientConfig, type Fault, type FaultPlan, type FaultRequest } from "@stowage/testkit/s3";
import { beforeAll, describe, expect, it } from "vitest";
import { S3Storage, type S3StorageOptions } from "../src/index.js";
import { useS3Server } from "./s3-fixture.js";

const { server } = useS3Server();

/** Seven files in pages of two: four pages, three of them asked for with a continuation token. */
const FILES = ["a", "b", "c", "d", "e", "f", "g"];
const PAGE = 2;
let prefix: string;

beforeAll(async () => {
  prefix = `lf-${randomBytes(4).toString("hex")}`;
  const clean = new S3Storage({ bucket: server().bucket, prefix, client: new S3Client(server().clientConfig) });
  for (const path of FILES) await clean.write(path, `content of ${path}`);
  clean.close();
});

/** The three listings of S3Storage, each collected to an array. */
const LISTINGS: Record<string, (s3: S3Storage) => Promise<string[]>> = {
  list: (s3) => s3.list(""),
  recursiveList: (s3) => s3.recursiveList(""),
  streamList: async (s3) => {
    const paths: string[] = [];
    for await (const stat of s3.streamList("")) paths.push(stat.path);
    return paths;
  },
};

const isLaterPage = (request: FaultRequest): boolean => request.query["list-type"] === "2" && request.query["continuation-token"] !== undefined;
const isFirstPage = (request: FaultRequest): boolean => request.query["list-type"] === "2" && request.query["continuation-token"] === undefined;
const onLaterPages =
  (fault: Fault | ((request: FaultRequest) => Fault)): FaultPlan =>
  (request) =>
    isLaterPage(request) ? (typeof fault === "function" ? fault(request) : fault) : undefined;

function faulty(plan: FaultPlan, options: Partial<S3StorageOptions> = {}) {
  const wire = faultyClientConfig(server().clientConfig, plan);
  const s3 = new S3Storage({
    bucket: server().bucket,
    prefix,
    maxKeys: PAGE,
    clientConfig: wire.clientConfig,
    retry: { maxAttempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    ...options,
  } as S3StorageOptions);
  return { s3, counts: wire.counts };
}

const xml = (text: string): string => text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
const TOKEN = /<NextContinuationToken>[^<]*<\/NextContinuationToken>/;

/** Each fault of a later page, and the code the listing must reject with. */
const LATER_PAGE_FAULTS: Array<[string, FaultPlan, "E_IO" | "E_UNAVAILABLE"]> = [
  ["403 AccessDenied", onLaterPages({ kind: "reply", status: 403, code: "AccessDenied" }), "E_IO"],
  ["404 NoSuchBucket", onLaterPages({ kind: "reply", status: 404, code: "NoSuchBucket" }), "E_UNAVAILABLE"],
  ["404 NoSuchKey", onLaterPages({ kind: "reply", status: 404, code: "NoSuchKey" }), "E_IO"],
  ["500 InternalError on every attempt", onLaterPages({ kind: "reply", status: 500, code: "InternalError" }), "E_UNAVAILABLE"],
  ["a truncated page without NextContinuationToken", onLaterPages({ kind: "edit", edit: (body) => body.replace(TOKEN, "") }), "E_IO"],
  [
    "a truncated page that hands back the token it was asked with",
    onLaterPages((request) => ({
      kind: "edit",
      edit: (body) => body.replace(TOKEN, `<NextContinuationToken>${xml(String(request.query["continuation-token"]))}</NextContinuationToken>`),
    })),
    "E_IO",
  ],
];

describe("S3 listings: a fault on a later page is an error, never an end of listing", () => {
  for (const [name, list] of Object.entries(LISTINGS)) {
    for (const [fault, plan, code] of LATER_PAGE_FAULTS) {
      it(`${name}: ${fault} rejects with ${code}`, async () => {
        const { s3, counts } = faulty(plan);
        const error = await list(s3).then(
          (paths) => new Error(`listed ${paths.length} entries: ${paths.join(", ")}`),
          (reason: unknown) => reason,
        );
        expect(isStowageError(error, code), String(error)).toBe(true);
        expect(counts.passed).toBeGreaterThanOrEqual(1); // the first page went through
        s3.close();
      });
    }

    it(`${name}: a malformed later page (cut-off XML) rejects with a typed error, not E_NOT_FOUND`, async () => {
      const { s3 } = faulty(onLaterPages({ kind: "edit", edit: (body) => body.slice(0, Math.floor(body.length / 2)) }));
      const error = await list(s3).then(
        (paths) => new Error(`listed ${paths.length} entries`),
        (reason: unknown) => reason,
      );
      expect(isStowageError(error, "E_IO") || isStowageError(error, "E_UNAVAILABLE"), String(error)).toBe(true);
      s3.close();
    });

    it(`${name}: a missing bucket (NoSuchBucket on the first page) rejects with E_UNAVAILABLE, not an empty listing`, async () => {
      const s3 = new S3Storage({ bucket: `gone-${randomBytes(4).toString("hex")}`, clientConfig: server().clientConfig });
      const error = await list(s3).catch((reason: unknown) => reason);
      expect(isStowageError(error, "E_UNAVAILABLE"), String(error)).toBe(true);
      s3.close();
    });

    it(`${name}: 403 on the first page rejects with E_IO`, async () => {
      const { s3 } = faulty((request) => (isFirstPage(request) ? { kind: "reply", status: 403, code: "AccessDenied" } : undefined));
      const error = await list(s3).catch((reason: unknown) => reason);
      expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
      s3.close();
    });
  }

  it("a later page that fails twice is retried from its own continuation token: every entry once, no page asked again", async () => {
    for (const [name, list] of Object.entries(LISTINGS)) {
      const asked: string[] = [];
      const { s3, counts } = faulty((request) => {
        if (request.query["list-type"] !== "2") return undefined;
        asked.push(String(request.query["continuation-token"] ?? ""));
        if (!isLaterPage(request) || request.seen >= 2) return undefined;
        return request.seen === 0 ? { kind: "reply", status: 500, code: "InternalError" } : { kind: "reset-before" };
      });
      expect(await list(s3), name).toEqual(FILES);
      const pages = Math.ceil(FILES.length / PAGE);
      expect(counts.passed, name).toBe(pages);
      // Each of the three later pages was sent three times; the first page once.
      expect(asked.filter((token) => token === "").length, name).toBe(1);
      expect(new Set(asked).size, name).toBe(pages);
      expect(asked.length, name).toBe(1 + 3 * (pages - 1));
      s3.close();
    }
  });

  it("lists every page when nothing fails (the faults above are what break it)", async () => {
    const { s3, counts } = faulty(() => undefined);
    for (const list of Object.values(LISTINGS)) expect(await list(s3)).toEqual(FILES);
    expect(counts.passed).toBe(3 * Math.ceil(FILES.length / PAGE));
    s3.close();
  });

  it("a sync from a source whose truncated page has no token deletes nothing in the target and fails typed", async () => {
    const { s3: source } = faulty(onLaterPages({ kind: "edit", edit: (body) => body.replace(TOKEN, "") }));
    const target = new S3Storage({ bucket: server().bucket, prefix: `${prefix}-mirror`, client: new S3Client(server().clientConfig) });
    await syncStorages(new S3Storage({ bucket: server().bucket, prefix, client: new S3Client(server().clientConfig) }), "", target, "");
    expect(await target.recursiveList("")).toEqual(FILES);
    const error = await syncStorages(source, "", target, "").catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    expect(await target.recursiveList("")).toEqual(FILES);
    source.close();
    target.close();
  });

  it("collectGarbage: a truncated page of multipart uploads without a next marker rejects with E_IO, not a complete sweep", async () => {
    const { s3 } = faulty((request) =>
      "uploads" in request.query ? { kind: "edit", edit: (body) => body.replace("<IsTruncated>false</IsTruncated>", "<IsTruncated>true</IsTruncated>") } : undefined,
    );
    const error = await s3.collectGarbage({ olderThanMs: 0, dryRun: true }).catch((reason: unknown) => reason);
    expect(isStowageError(error, "E_IO"), String(error)).toBe(true);
    s3.close();
  });
});
