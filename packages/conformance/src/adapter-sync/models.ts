import {
  Adapter,
  ModelFlags,
  ObjectNotCreated,
  ObjectNotDeleted,
  ObjectNotUpdated,
  defineModel,
  type AdapterOptions,
  type Diff,
  type DiffSummary,
  type JsonObject,
} from "@stowage/core";

/**
 * The suite's models. Their hooks record each call in the destination adapter's journal, and fail
 * on demand, driven by data (so they behave the same on every store): an attribute value
 * `fail-<hook>-null` makes that hook return null, `fail-<hook>-throw` makes it throw the matching
 * CRUD error, and `fail-<hook>-crash` makes it throw a plain Error. Flags also come from data:
 * see {@link flagsFor}.
 */

/** Adapters whose hooks the suite observes. */
export class SuiteAdapter extends Adapter {
  /** Hook calls, in order: `"<hook> <type> <uid>"`. */
  readonly journal: string[] = [];
  /** One entry per `syncComplete` call: the source's name and the diff's summary. */
  readonly completed: { source: string; summary: DiffSummary }[] = [];

  override syncComplete(source: Adapter, diff: Diff): void {
    this.completed.push({ source: source.name, summary: diff.summary() });
  }
}

function record(adapter: Adapter, entry: string): void {
  if (adapter instanceof SuiteAdapter) adapter.journal.push(entry);
}

/** Throws or returns null when `value` asks `hook` to fail; otherwise returns `ok`. */
function outcome<T>(value: unknown, hook: "create" | "update" | "delete", name: string, ok: T): T | null {
  if (value === `fail-${hook}-null`) return null;
  if (value === `fail-${hook}-crash`) throw new Error(`${name}: ${hook} crashed`);
  if (value === `fail-${hook}-throw`) {
    const Failure = hook === "create" ? ObjectNotCreated : hook === "update" ? ObjectNotUpdated : ObjectNotDeleted;
    throw new Failure(`${name}: ${hook} refused`);
  }
  return ok;
}

/**
 * Flags by a `role` value: `ignored` -> IGNORE, `cascade` -> SKIP_CHILDREN_ON_DELETE, `natural`
 * -> NATURAL_DELETION_ORDER, `no-create` -> SKIP_UNMATCHED_SRC, `no-delete` -> SKIP_UNMATCHED_DST.
 */
export function flagsFor(role: unknown): number {
  switch (role) {
    case "ignored":
      return ModelFlags.IGNORE;
    case "cascade":
      return ModelFlags.SKIP_CHILDREN_ON_DELETE;
    case "natural":
      return ModelFlags.NATURAL_DELETION_ORDER;
    case "no-create":
      return ModelFlags.SKIP_UNMATCHED_SRC;
    case "no-delete":
      return ModelFlags.SKIP_UNMATCHED_DST;
    default:
      return ModelFlags.NONE;
  }
}

interface SiteFields {
  name: string;
  region: string;
  meta: JsonObject;
  devices: string[];
}

/** Top of the three-level tree: site -> device -> interface. `region` drives its hooks. */
export class Site extends defineModel<SiteFields>()({
  type: "site",
  identifiers: ["name"],
  attributes: ["region", "meta"],
  children: { device: "devices" },
  defaults: { meta: {} },
}) {
  static override async create(adapter: Adapter, ids: { name: string }, attrs: Partial<Omit<SiteFields, "name" | "devices">>) {
    record(adapter, `create site ${ids.name}`);
    const created = await super.create(adapter, ids, attrs);
    return outcome(attrs.region, "create", `site ${ids.name}`, created);
  }

  override async update(attrs: Partial<Omit<SiteFields, "name" | "devices">>, adapter: Adapter) {
    record(adapter, `update site ${this.name}`);
    const value = outcome(attrs.region, "update", String(this), this);
    return value === null ? null : super.update(attrs, adapter);
  }

  override async delete(adapter: Adapter) {
    record(adapter, `delete site ${this.name}`);
    return outcome(this.region, "delete", String(this), this);
  }
}

interface DeviceFields {
  name: string;
  role: string;
  interfaces: string[];
}

/** A site's child (or, in {@link DeviceNetwork}, top-level), parent of interfaces. `role` drives its hooks and flags. */
export class Device extends defineModel<DeviceFields>()({
  type: "device",
  identifiers: ["name"],
  attributes: ["role"],
  children: { interface: "interfaces" },
  defaults: { role: "leaf" },
}) {
  override getModelFlags(): number {
    return flagsFor(this.role);
  }

  static override async create(adapter: Adapter, ids: { name: string }, attrs: Partial<{ role: string }>) {
    record(adapter, `create device ${ids.name}`);
    const created = await super.create(adapter, ids, attrs);
    return outcome(attrs.role, "create", `device ${ids.name}`, created);
  }

  override async update(attrs: Partial<{ role: string }>, adapter: Adapter) {
    record(adapter, `update device ${this.name}`);
    const value = outcome(attrs.role, "update", String(this), this);
    return value === null ? null : super.update(attrs, adapter);
  }

  override async delete(adapter: Adapter) {
    record(adapter, `delete device ${this.name}`);
    return outcome(this.role, "delete", String(this), this);
  }
}

interface InterfaceFields {
  device: string;
  name: string;
  description: string;
  mtu: number;
}

/** The leaf level; shortname `name`, so siblings of different devices may share it. `description` drives its hooks. */
export class Interface extends defineModel<InterfaceFields>()({
  type: "interface",
  identifiers: ["device", "name"],
  shortname: ["name"],
  attributes: ["description", "mtu"],
  defaults: { mtu: 1500 },
}) {
  static override async create(adapter: Adapter, ids: { device: string; name: string }, attrs: Partial<{ description: string; mtu: number }>) {
    record(adapter, `create interface ${ids.device}__${ids.name}`);
    const created = await super.create(adapter, ids, attrs);
    return outcome(attrs.description, "create", `interface ${ids.device}__${ids.name}`, created);
  }

  override async update(attrs: Partial<{ description: string; mtu: number }>, adapter: Adapter) {
    record(adapter, `update interface ${this.getUniqueId()}`);
    const value = outcome(attrs.description, "update", String(this), this);
    return value === null ? null : super.update(attrs, adapter);
  }

  override async delete(adapter: Adapter) {
    record(adapter, `delete interface ${this.getUniqueId()}`);
    return outcome(this.description, "delete", String(this), this);
  }
}

/** A top-level type whose class never deletes unmatched destination objects (class-level flag). */
export class Vlan extends defineModel<{ vid: number; label: string }>()({
  type: "vlan",
  identifiers: ["vid"],
  attributes: ["label"],
}) {
  static override readonly modelFlags = ModelFlags.SKIP_UNMATCHED_DST;
}

/** The same `site` type declared without children, as another system might model it. */
export class FlatSite extends defineModel<{ name: string; region: string; meta: JsonObject }>()({
  type: "site",
  identifiers: ["name"],
  attributes: ["region", "meta"],
  defaults: { meta: {} },
}) {}

/** The device/interface example, plus VLANs: top-level device and vlan. */
export class DeviceNetwork extends SuiteAdapter {
  static override readonly models = [Device, Interface, Vlan];
  static override readonly topLevel = ["device", "vlan"];
}

/** Devices and interfaces only (no vlan): VLANs on the other side are an unshared type. */
export class DevicesOnly extends SuiteAdapter {
  static override readonly models = [Device, Interface];
  static override readonly topLevel = ["device"];
}

/** Three levels: site -> device -> interface. */
export class SiteNetwork extends SuiteAdapter {
  static override readonly models = [Site, Device, Interface];
  static override readonly topLevel = ["site"];
}

/** Sites without children. */
export class FlatSiteNetwork extends SuiteAdapter {
  static override readonly models = [FlatSite];
  static override readonly topLevel = ["site"];
}

/** A suite adapter class. */
export type SuiteAdapterClass<A extends SuiteAdapter = SuiteAdapter> = new (options?: AdapterOptions) => A;
