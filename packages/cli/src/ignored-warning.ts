import type { Location } from "./location.js";
import type { IgnoredTally } from "./sync-output.js";

const NOUNS: Record<keyof IgnoredTally, [string, string]> = {
  link: ["symbolic link", "symbolic links"],
  special: ["special file", "special files"],
  "invalid-name": ["name that is not a valid key", "names that are not valid keys"],
};

/**
 * A passed-over name as a line can show it: control characters (`Icon\r`, a newline in a name)
 * written as `\xHH`, so that they can neither break the line nor move the cursor.
 */
export function printableName(path: string): string {
  // eslint-disable-next-line no-control-regex
  return path.replace(/[\u0000-\u001f\u007f]/g, (char) => `\\x${char.charCodeAt(0).toString(16).padStart(2, "0")}`);
}

/** What a passed-over entry is, in words: `symbolic link`, or `symbolic links` when `count` is not 1. */
export function ignoredNoun(reason: keyof IgnoredTally, count = 1): string {
  return NOUNS[reason][count === 1 ? 0 : 1];
}

/**
 * The warning a sync prints on stderr when its source passed over entries (issue 11: links are
 * never dropped silently; rclone names each one, rsync -a keeps them). `undefined` when nothing was
 * passed over. For symbolic links in a local folder it names the URL that keeps them as rclone-style
 * `.rclonelink` files (the local adapter's `links: "translate"`).
 */
export function ignoredWarning(tally: IgnoredTally, source: Location, listed: boolean): string | undefined {
  const total = tally.link + tally.special + tally["invalid-name"];
  if (total === 0) return undefined;
  const parts = (Object.keys(NOUNS) as Array<keyof IgnoredTally>)
    .filter((reason) => tally[reason] > 0)
    .map((reason) => `${tally[reason]} ${ignoredNoun(reason, tally[reason])}`);
  let text = `stowage: warning: ${total} ${total === 1 ? "entry was" : "entries were"} not copied (${parts.join(", ")})`;
  if (tally.link > 0) {
    text += ": stowage never follows links";
    const translated = linkTranslatingUrl(source);
    if (translated !== undefined) text += `; use ${translated} to keep them as .rclonelink files`;
  }
  if (!listed) text += "; --list names them";
  return `${text}\n`;
}

/** The source location as a `file:` URL with `links=translate`, or `undefined` for other stores. */
function linkTranslatingUrl(source: Location): string | undefined {
  if (source.store.protocol !== "file:") return undefined;
  const url = new URL(source.store.href);
  url.searchParams.set("links", "translate");
  return source.key === "" ? url.href : `${url.href}::${source.key}`;
}
