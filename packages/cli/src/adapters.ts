import { createRequire } from "node:module";
import { isAbsolute, join, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { isSnapshotStorage, type SnapshotStorage } from "@stowage/core";
import { errorText } from "./error-text.js";
import { CliError, EXIT_CODES, UsageError } from "./exit-codes.js";
import { nearestScheme } from "./nearest-scheme.js";
import { FIRST_PARTY_SCHEMES, type AdapterModule } from "./first-party.js";

/**
 * The plugin convention: a package that serves URL scheme `<scheme>:` is named
 * `stowage-adapter-<scheme>` (or is mapped to the scheme in {@link ADAPTERS_ENV}) and exports
 * this function. The CLI imports it on first use of the scheme and calls it once per store URL.
 */
export interface StowageAdapterModule {
  /**
   * Opens the store that `url` names. Returns a basic- or advanced-tier storage; may return an
   * object with a `close()` method, which the CLI awaits before it exits. Bad options in the URL:
   * throw core's `InvalidOptionsError` (read the query with core's `UrlParams`), exit code 2.
   */
  createStorageFromUrl(url: URL): SnapshotStorage | Promise<SnapshotStorage>;
  /**
   * Optional: whether the store `url` names exists yet, for backends that create it when opened
   * (a local folder). Commands that only read ask it first, so that a mistyped location is an
   * error (exit 3), not a new empty store.
   */
  storageExists?(url: URL): Promise<boolean>;
}

/**
 * Environment variable mapping schemes to adapter modules, for packages that do not follow the
 * naming convention or live at a path: `STOWAGE_ADAPTERS="ftp=@acme/stowage-ftp,dev=./dev-adapter.mjs"`.
 * A mapping overrides the built-in table too.
 */
export const ADAPTERS_ENV = "STOWAGE_ADAPTERS";

/** The package name the convention expects for `scheme` (without the colon). */
export function conventionalPackageName(scheme: string): string {
  return `stowage-adapter-${scheme}`;
}

/** Finds, imports and calls the adapter for `url`'s scheme. */
export async function openStorageFromUrl(
  url: URL,
  options: { cwd: string; env: NodeJS.ProcessEnv; mustExist?: boolean },
): Promise<SnapshotStorage> {
  const scheme = url.protocol.slice(0, -1);
  const mapped = parseAdapterMap(options.env[ADAPTERS_ENV]).get(scheme);
  const firstParty = FIRST_PARTY_SCHEMES.find((entry) => entry.protocols.includes(url.protocol));
  const specifier = mapped ?? firstParty?.packageName ?? conventionalPackageName(scheme);

  const module = await importAdapter(specifier, options.cwd, mapped !== undefined);
  if (module === undefined) {
    throw missingAdapter(url, specifier, { mapped: mapped !== undefined, firstParty: firstParty !== undefined, env: options.env });
  }
  const adapter = module as Partial<StowageAdapterModule>;
  if (typeof adapter.createStorageFromUrl !== "function") {
    const older = firstParty === undefined ? "" : "; is it an older version?";
    throw new CliError(`${specifier} does not export createStorageFromUrl(url), so it cannot serve ${url.protocol} URLs${older}`, EXIT_CODES.adapterMissing);
  }
  if (options.mustExist && typeof adapter.storageExists === "function" && !(await adapter.storageExists(url))) {
    throw new CliError(`no such store: ${url.protocol === "file:" ? fileURLToPath(url) : url.href}`, EXIT_CODES.notFound);
  }
  const storage = await adapter.createStorageFromUrl(url);
  if (!isSnapshotStorage(storage)) {
    throw new CliError(`${specifier} returned something that is not a stowage storage for ${url.protocol} URLs`, EXIT_CODES.failure);
  }
  return storage;
}

/**
 * Says what to do about a scheme no adapter serves. A first-party or mapped scheme names its
 * package or the variable. Otherwise a scheme near a known one is taken for a typo and answered
 * with that scheme: suggesting `stowage-adapter-<typo>` would send people to install a package
 * name that anyone could register. Only a scheme unlike any known one names the plugin convention.
 */
function missingAdapter(
  url: URL,
  specifier: string,
  from: { mapped: boolean; firstParty: boolean; env: NodeJS.ProcessEnv },
): CliError {
  const prefix = `no adapter for ${url.protocol} URLs`;
  if (from.mapped) return new CliError(`${prefix}: check ${ADAPTERS_ENV}`, EXIT_CODES.adapterMissing);
  if (from.firstParty) return new CliError(`${prefix}: install ${specifier}`, EXIT_CODES.adapterMissing);
  const known = knownSchemes(from.env);
  const near = nearestScheme(url.protocol.slice(0, -1), known);
  if (near !== undefined) return new CliError(`${prefix}: did you mean ${near}:?`, EXIT_CODES.adapterMissing);
  return new CliError(
    `${prefix} (known: ${known.join(", ")}); a plugin for it would be a package named ${specifier} ` +
      `or a module mapped in ${ADAPTERS_ENV}: install one only from a publisher you trust`,
    EXIT_CODES.adapterMissing,
  );
}

/** The schemes served without a plugin lookup: first-party ones and those mapped in {@link ADAPTERS_ENV}. */
function knownSchemes(env: NodeJS.ProcessEnv): string[] {
  const firstParty = FIRST_PARTY_SCHEMES.flatMap((entry) => entry.protocols.map((protocol) => protocol.slice(0, -1)));
  return [...new Set([...firstParty, ...parseAdapterMap(env[ADAPTERS_ENV]).keys()])];
}

/** `scheme=module,scheme=module` → map. */
function parseAdapterMap(text: string | undefined): Map<string, string> {
  const map = new Map<string, string>();
  for (const entry of (text ?? "").split(",")) {
    if (entry.trim() === "") continue;
    const equals = entry.indexOf("=");
    if (equals <= 0 || equals === entry.length - 1) {
      throw new UsageError(`${ADAPTERS_ENV} entries look like scheme=package, got '${entry.trim()}'`);
    }
    map.set(entry.slice(0, equals).trim().replace(/:$/, ""), entry.slice(equals + 1).trim());
  }
  return map;
}

/**
 * Imports an adapter: paths relative to the working directory; packages first from where the CLI
 * is installed (global installs, workspaces), then from the working directory's node_modules
 * (a project that installed the CLI and its adapters locally). `undefined` when it is not there.
 */
async function importAdapter(specifier: string, cwd: string, mapped: boolean): Promise<AdapterModule | undefined> {
  const source = mapped ? ` (mapped in ${ADAPTERS_ENV})` : "";
  if (isPathSpecifier(specifier)) {
    const file = resolve(cwd, specifier);
    return tryImport(pathToFileURL(file).href, file, source);
  }
  const installed = await tryImport(specifier, specifier, source);
  if (installed !== undefined) return installed;
  let resolved: string;
  try {
    resolved = createRequire(join(cwd, "noop.js")).resolve(specifier);
  } catch (error) {
    if (isModuleNotFound(error, specifier)) return undefined;
    throw error;
  }
  return tryImport(pathToFileURL(resolved).href, resolved, source);
}

/**
 * Imports `target`; `undefined` when the module itself is absent. Any other failure (a syntax
 * error, a missing dependency of the adapter, a throw at load time) is an adapter problem: it
 * names the module and its path and gives the load error's message, the stack only with -v.
 */
async function tryImport(target: string, name: string, source: string): Promise<AdapterModule | undefined> {
  try {
    return (await import(target)) as AdapterModule;
  } catch (error) {
    if (isModuleNotFound(error, name)) return undefined;
    throw new CliError(`cannot load adapter ${name}${source}: ${errorText(error).split("\n", 1)[0]}`, EXIT_CODES.adapterMissing, {
      cause: error,
    });
  }
}

function isPathSpecifier(specifier: string): boolean {
  return specifier.startsWith(".") || isAbsolute(specifier);
}

function isModuleNotFound(error: unknown, name: string): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : "";
  return (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") && message.includes(`'${name}'`);
}
