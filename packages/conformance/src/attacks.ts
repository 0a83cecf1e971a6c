/** A value that must be rejected with `InvalidPathError` wherever a key or prefix is expected. */
export interface PathAttack {
  /** What the attack tries, for failure messages. */
  name: string;
  value: unknown;
}

/** Rejected both as a key and as a folder prefix. */
export const PATH_ATTACKS: readonly PathAttack[] = [
  { name: "parent segment", value: "../x" },
  { name: "climbing out through a folder", value: "a/../../x" },
  { name: "lone parent segment", value: ".." },
  { name: "dot segment", value: "a/./b" },
  { name: "absolute POSIX path", value: "/etc/passwd" },
  { name: "Windows drive path", value: "C:\\x" },
  { name: "backslash traversal", value: "a\\..\\..\\x" },
  { name: "NUL byte", value: "a\u0000b" },
  { name: "newline", value: "a\nb" },
  { name: "empty segment", value: "a//b" },
  { name: "segment over 255 bytes", value: "x".repeat(256) },
  { name: "key over 1024 bytes", value: `${"ab/".repeat(342)}c` },
  { name: "lone high surrogate", value: "a\uD800" },
  { name: "lone low surrogate", value: "a/\uDC00b" },
  { name: "surrogates in the wrong order", value: "\uDC00\uD800" },
  { name: "number", value: 42 },
  { name: "null", value: null },
  { name: "undefined", value: undefined },
  { name: "object", value: { toString: () => "x" } },
  { name: "array that stringifies to a key", value: ["x"] },
];

/** Rejected as a file key, though some are fine as prefixes (`""` is the root, `a/` a folder). */
export const KEY_ATTACKS: readonly PathAttack[] = [
  ...PATH_ATTACKS,
  { name: "empty key", value: "" },
  { name: "trailing slash", value: "x/" },
  { name: "root slash", value: "/" },
];

/** Rejected as a folder prefix. */
export const PREFIX_ATTACKS: readonly PathAttack[] = [...PATH_ATTACKS, { name: "root slash", value: "/" }, { name: "double trailing slash", value: "a//" }];
