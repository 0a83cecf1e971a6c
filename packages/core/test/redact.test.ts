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
