import { inspect } from "node:util";
import { describe, expect, it } from "vitest";
import { REDACTED, SnapshotIOError, isStowageError, redactError, redactText } from "../src/index.js";

const SECRET = "Pl4nted-S3cret";

describe("redactText", () => {
  it("masks URL user info of any scheme and every given secret", () => {
    const text = `connect redis://:${SECRET}@h:1/0 and rediss://u:p@x, s3 key ${SECRET} in https://tok@y/z`;
    const out = redactText(text, [SECRET]);
    expect(out).not.toContain(SECRET);
    expect(out).toContain(`redis://${REDACTED}@h:1/0`);
    expect(out).toContain(`rediss://${REDACTED}@x`);
    expect(out).toContain(`https://${REDACTED}@y/z`);
    expect(out).toContain(`s3 key ${REDACTED}`);
  });

  it("masks the user info of a URL whose scheme is malformed, as a command line may hold one", () => {
    expect(redactText(`red_is://:${SECRET}@h:1 and 9x://tok@y`)).toBe(`red_is://${REDACTED}@h:1 and 9x://${REDACTED}@y`);
  });

  it("leaves texts without secrets alone and ignores secrets too short to search for", () => {
    expect(redactText("a plain message: x@y", ["ab"])).toBe("a plain message: x@y");
  });
});

describe("redactError", () => {
  it("copies an error with its class, brand and code, hiding secrets in message, stack, fields and causes", () => {
    const driver = Object.assign(new Error(`WRONGPASS for ${SECRET}`), {
      name: "ReplyError",
      command: { name: "auth", args: [SECRET, Buffer.alloc(1024)] },
    });
    const error = new SnapshotIOError(`failed at redis://:${SECRET}@h`, "k", { cause: driver });
    const copy = redactError(error, [SECRET]);
    expect(copy).not.toBe(error);
    expect(copy).toBeInstanceOf(SnapshotIOError);
    expect(isStowageError(copy, "E_IO")).toBe(true);
    expect(copy.path).toBe("k");
    const printed = inspect(copy, { depth: Infinity, showHidden: true });
    expect(printed).not.toContain(SECRET);
    expect(printed).toContain("<1024 bytes>");
    expect((copy.cause as { command: { name: string } }).command.name).toBe("auth");
    // The original is untouched.
    expect(error.message).toContain(SECRET);
    expect((driver.command.args[0] as string)).toBe(SECRET);
  });

  it("survives cycles and passes non-objects through", () => {
    const a: Record<string, unknown> = { secret: SECRET };
    a.self = a;
    const error = Object.assign(new Error("x"), { a });
    const copy = redactError(error, [SECRET]) as Error & { a: Record<string, unknown> };
    expect(copy.a.secret).toBe(REDACTED);
    expect(copy.a.self).toBe(copy.a);
    expect(redactError(42)).toBe(42);
    expect(redactError(`p ${SECRET}`, [SECRET])).toBe(`p ${REDACTED}`);
  });
});

describe("redactText masks whole values, not every substring (issue 24)", () => {
  it("leaves a secret that is part of a longer name, word or path alone", () => {
    expect(redactText("bucket stowage-test-x has no key a/test/b.txt or test.txt or tests", ["test"])).toBe(
      "bucket stowage-test-x has no key a/test/b.txt or test.txt or tests",
    );
  });

  it("masks a secret where it stands as a value: words, option fields, headers, queries, quotes", () => {
    const secrets = ["test"];
    expect(redactText("AUTH test", secrets)).toBe(`AUTH ${REDACTED}`);
    expect(redactText("?password=test&x=1", secrets)).toBe(`?password=${REDACTED}&x=1`);
    expect(redactText('{"secretAccessKey":"test"}', secrets)).toBe(`{"secretAccessKey":"${REDACTED}"}`);
    expect(redactText("x-amz-security-token: test\nhost: h", secrets)).toBe(`x-amz-security-token: ${REDACTED}\nhost: h`);
    expect(redactText("the key was test.", secrets)).toBe(`the key was ${REDACTED}.`);
    expect(redactText("test", secrets)).toBe(REDACTED);
    expect(redactText("[test, 'test']", secrets)).toBe(`[${REDACTED}, '${REDACTED}']`);
  });

  it("masks secrets with regular-expression characters and a field whose whole value is one", () => {
    const secret = "a+b/c=d.e";
    expect(redactText(`key=${secret}; and ${secret}`, [secret])).toBe(`key=${REDACTED}; and ${REDACTED}`);
    const copy = redactError(Object.assign(new Error("in bucket stowage-test-x"), { options: { password: "test", bucket: "stowage-test-x" } }), ["test"]) as Error & {
      options: Record<string, string>;
    };
    expect(copy.message).toBe("in bucket stowage-test-x");
    expect(copy.options).toEqual({ password: REDACTED, bucket: "stowage-test-x" });
  });
});
