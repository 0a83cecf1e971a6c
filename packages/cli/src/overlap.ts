import { isUnderPrefix, normalizePrefix } from "@stowage/core";
import type { Location } from "./location.js";

/**
 * True when two locations may name the same or nested folders through DIFFERENT store URLs:
 * `./backup::a` and `./backup/a`, or `s3://bucket/x` and `s3://bucket::x/y`. Core catches overlap
 * within one store object; across store URLs only their addresses can tell. Compared: scheme,
 * host and query must match (a `file:` URL's query holds options, not a place, and is ignored), then
 * the URL path joined with the key is checked segment-wise.
 */
export function locationsOverlap(a: Location, b: Location): boolean {
  if (space(a.store) !== space(b.store)) return false;
  const x = physicalPath(a);
  const y = physicalPath(b);
  return x === y || isUnderPrefix(x, y) || isUnderPrefix(y, x);
}

function space(url: URL): string {
  return `${url.protocol}//${url.host}${url.protocol === "file:" ? "" : url.search}`;
}

function physicalPath(location: Location): string {
  const segments = decodeURIComponent(location.store.pathname).split("/").filter((segment) => segment !== "");
  const key = normalizePrefix(location.key);
  return [...segments, ...(key === "" ? [] : [key])].join("/");
}
