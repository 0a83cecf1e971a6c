import { normalizePrefix, type FolderRelation } from "@stowage/core";
import type { Location } from "./location.js";

/**
 * How location `b` lies relative to location `a` as their URLs show it (`judged: "unknown"`: the
 * fallback for backends that do not say where they are): scheme, host and query must match (a
 * `file:` URL's query holds options, not a place, and is ignored), then the URL path joined with
 * the key is compared segment-wise. `./backup::a` and `./backup/a` are one folder.
 */
export function urlRelation(a: Location, b: Location): FolderRelation {
  const apart: FolderRelation = { relation: "apart", judged: "unknown", below: [] };
  if (space(a.store) !== space(b.store)) return apart;
  const x = physicalPath(a);
  const y = physicalPath(b);
  const shorter = Math.min(x.length, y.length);
  for (let i = 0; i < shorter; i++) if (x[i] !== y[i]) return apart;
  if (x.length === y.length) return { relation: "same", judged: "unknown", below: [] };
  return y.length > x.length ? { relation: "inside", judged: "unknown", below: y.slice(x.length) } : { relation: "contains", judged: "unknown", below: [] };
}

/** True when two locations name the same or nested folders, as their URLs show ({@link urlRelation}). */
export function locationsOverlap(a: Location, b: Location): boolean {
  return urlRelation(a, b).relation !== "apart";
}

function space(url: URL): string {
  return `${url.protocol}//${url.host}${url.protocol === "file:" ? "" : url.search}`;
}

function physicalPath(location: Location): string[] {
  const segments = decodeURIComponent(location.store.pathname).split("/").filter((segment) => segment !== "");
  const key = normalizePrefix(location.key);
  return [...segments, ...(key === "" ? [] : key.split("/"))];
}
