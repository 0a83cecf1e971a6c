import { defineModel, type JsonValue } from "@stowage/core";

/** Three levels of children: region -> site -> rack -> device. */
export class Region extends defineModel<{ name: string; label: string; sites: string[] }>()({
  type: "region",
  identifiers: ["name"],
  attributes: ["label"],
  children: { site: "sites" },
  defaults: { label: "" },
}) {}

/** A region's child, parent of racks. */
export class Site extends defineModel<{ region: string; name: string; label: string; racks: string[] }>()({
  type: "site",
  identifiers: ["region", "name"],
  shortname: ["name"],
  attributes: ["label"],
  children: { rack: "racks" },
  defaults: { label: "" },
}) {}

/** A site's child, parent of devices. */
export class Rack extends defineModel<{ site: string; number: number; height: number; devices: string[] }>()({
  type: "rack",
  identifiers: ["site", "number"],
  attributes: ["height"],
  children: { device: "devices" },
  defaults: { height: 42 },
}) {}

/** The leaf level. */
export class Device extends defineModel<{ name: string; role: string | null; serial: string }>()({
  type: "device",
  identifiers: ["name"],
  attributes: ["role", "serial"],
  defaults: { role: null, serial: "" },
}) {}

/** A model with the same type name as {@link Device} but another case: a distinct type. */
export class DeviceUpper extends defineModel<{ name: string }>()({ type: "Device", identifiers: ["name"] }) {}

/** One attribute per supported value type. */
export class Everything extends defineModel<{
  id: string;
  text: string;
  integer: number;
  float: number;
  flag: boolean;
  nothing: null;
  list: JsonValue[];
  object: { [key: string]: JsonValue };
}>()({
  type: "everything",
  identifiers: ["id"],
  attributes: ["text", "integer", "float", "flag", "nothing", "list", "object"],
}) {}

/** Model type names a backend must keep apart and store as they are. */
export const TRICKY_TYPE_NAMES = [
  "with:colon",
  "with*star",
  "with?question",
  "with[brackets]",
  "with/slash",
  "with space",
  "ünïcödé ✓ 模型",
  "dev?ce",
  "p",
  "p:q",
] as const;

/**
 * Uids a backend must keep apart and store as they are: `A:B` differs from `a:b` only by case,
 * and the second `ü ✓ 名` is the NFD spelling of the first (no case folding, no normalization).
 */
export const TRICKY_UIDS = ["a:b", "A:B", "a*", "a?", "[a]", "a/b", "a b", "\u00fc ✓ 名", "u\u0308 ✓ 名", "q:r", "*", "", "__", "a\\b", "%2F"] as const;

/** One model class per tricky type name, all with a single string identifier `id`. */
export const TRICKY_MODELS = TRICKY_TYPE_NAMES.map((type) =>
  defineModel<{ id: string; value: number }>()({ type, identifiers: ["id"], attributes: ["value"] }),
);

/** Every model class the suite uses, registered on each store it opens. */
export const SUITE_MODELS = [Region, Site, Rack, Device, DeviceUpper, Everything, ...TRICKY_MODELS];
