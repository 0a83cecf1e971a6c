import { describe, expect, it } from "vitest";
import { GlobSyntaxError, globToDirGlobs, globToRe2 } from "../../src/blob/sync/glob-regexp.js";
import { re2ToRegExp } from "../../src/blob/sync/re2-regexp.js";
import { filterPatternProblem, rcloneFilterRules, SyncFilter, type SyncFilterRule } from "../../src/index.js";

/**
 * rclone 1.60.1's own tables (fs/filter/glob_test.go and filter_test.go), translated row for row.
 * Issue 24 item 2: the glob language is rclone's, checked against the regexps rclone itself builds.
 */

// TestGlobToRegexp: [glob, RE2 text rclone builds, error rclone gives ("" for none)].
const GLOB_TO_REGEXP: [string, string, string][] = [
  [``, `(^|/)$`, ``],
  [`potato`, `(^|/)potato$`, ``],
  [`potato,sausage`, `(^|/)potato,sausage$`, ``],
  [`/potato`, `^potato$`, ``],
  [`potato?sausage`, `(^|/)potato[^/]sausage$`, ``],
  [`potat[oa]`, `(^|/)potat[oa]$`, ``],
  [`potat[a-z]or`, `(^|/)potat[a-z]or$`, ``],
  [`potat[[:alpha:]]or`, `(^|/)potat[[:alpha:]]or$`, ``],
  [`'.' '+' '(' ')' '|' '^' '$'`, `(^|/)'\\.' '\\+' '\\(' '\\)' '\\|' '\\^' '\\$'$`, ``],
  [`*.jpg`, `(^|/)[^/]*\\.jpg$`, ``],
  [`a{b,c,d}e`, `(^|/)a(b|c|d)e$`, ``],
  [`potato**`, `(^|/)potato.*$`, ``],
  [`potato**sausage`, `(^|/)potato.*sausage$`, ``],
  [`*.p[lm]`, `(^|/)[^/]*\\.p[lm]$`, ``],
  [`[\\[\\]]`, `(^|/)[\\[\\]]$`, ``],
  [`***potato`, `(^|/)`, `too many stars`],
  [`***`, `(^|/)`, `too many stars`],
  [`ab]c`, `(^|/)`, `mismatched ']'`],
  [`ab[c`, `(^|/)`, `mismatched '[' and ']'`],
  [`ab{x{cd`, `(^|/)`, `can't nest`],
  [`ab{}}cd`, `(^|/)`, `mismatched '{' and '}'`],
  [`ab}c`, `(^|/)`, `mismatched '{' and '}'`],
  [`ab{c`, `(^|/)`, `mismatched '{' and '}'`],
  [`*.{jpg,png,gif}`, `(^|/)[^/]*\\.(jpg|png|gif)$`, ``],
  [`[a--b]`, `(^|/)`, `bad glob pattern`],
  [`a\\*b`, `(^|/)a\\*b$`, ``],
  [`a\\\\b`, `(^|/)a\\\\b$`, ``],
  [`a{{.*}}b`, `(^|/)a(.*)b$`, ``],
  [`a{{.*}`, `(^|/)a(.*)b$`, `mismatched '{{' and '}}'`],
  [`{{regexp}}`, `(^|/)(regexp)$`, ``],
  [`\\{{{regexp}}`, `(^|/)\\{(regexp)$`, ``],
  [`/{{regexp}}`, `^(regexp)$`, ``],
  [`/{{\\d{8}}}`, `^(\\d{8})$`, ``],
  [`/{{\\}}}`, `^(\\})$`, ``],
  [`{{(?i)regexp}}`, `(^|/)((?i)regexp)$`, ``],
];

/** Rows whose RE2 text RE2 accepts but JS cannot match the same way: stowage refuses them. */
const REFUSED_BY_STOWAGE = new Set([`{{(?i)regexp}}`]);

describe("rclone's TestGlobToRegexp", () => {
  it.each(GLOB_TO_REGEXP)("%j", (glob, want, error) => {
    if (error === "bad glob pattern") {
      // rclone builds the text, then RE2 refuses it; stowage's JS reading refuses it too.
      expect(() => re2ToRegExp(globToRe2(glob))).toThrow(GlobSyntaxError);
      expect(filterPatternProblem(glob)).toBeDefined();
    } else if (error !== "") {
      expect(() => globToRe2(glob)).toThrow(error);
    } else {
      expect(globToRe2(glob)).toBe(want);
      if (REFUSED_BY_STOWAGE.has(glob)) expect(() => re2ToRegExp(want)).toThrow(/cannot match exactly/);
      else expect(re2ToRegExp(want)).toBeInstanceOf(RegExp);
    }
  });
});

// TestGlobToDirGlobs.
const GLOB_TO_DIR_GLOBS: [string, string[]][] = [
  [`*`, ["/**"]],
  [`/*`, ["/"]],
  [`*.jpg`, ["/**"]],
  [`/*.jpg`, ["/"]],
  [`//*.jpg`, ["/"]],
  [`///*.jpg`, ["/"]],
  [`/a/*.jpg`, ["/a/", "/"]],
  [`/a//*.jpg`, ["/a/", "/"]],
  [`/a///*.jpg`, ["/a/", "/"]],
  [`/a/b/*.jpg`, ["/a/b/", "/a/", "/"]],
  [`a/*.jpg`, ["a/"]],
  [`a/b/*.jpg`, ["a/b/", "a/"]],
  [`*/*/*.jpg`, ["*/*/", "*/"]],
  [`a/b/`, ["a/b/", "a/"]],
  [`a/b`, ["a/"]],
  [`a/b/*.{jpg,png,gif}`, ["a/b/", "a/"]],
  [`/a/{jpg,png,gif}/*.{jpg,png,gif}`, ["/a/{jpg,png,gif}/", "/a/", "/"]],
  [`a/{a,a*b,a**c}/d/`, ["/**"]],
  [`/a/{a,a*b,a/c,d}/d/`, ["/**"]],
  [`/a/{{.*}}/d/`, ["/**"]],
  [`**`, ["**/"]],
  [`a**`, ["a**/"]],
  [`a**b`, ["a**/"]],
  [`a**b**c**d`, ["a**b**c**/", "a**b**/", "a**/"]],
  [`a**b/c**d`, ["a**b/c**/", "a**b/", "a**/"]],
  [`/A/a**b/B/c**d/C/`, ["/A/a**b/B/c**d/C/", "/A/a**b/B/c**d/", "/A/a**b/B/c**/", "/A/a**b/B/", "/A/a**b/", "/A/a**/", "/A/", "/"]],
  [`/var/spool/**/ncw`, ["/var/spool/**/", "/var/spool/", "/var/", "/"]],
  [`var/spool/**/ncw/`, ["var/spool/**/ncw/", "var/spool/**/", "var/spool/", "var/"]],
  ["/file1.jpg", [`/`]],
  ["/file2.png", [`/`]],
  ["/*.jpg", [`/`]],
  ["/*.png", [`/`]],
  ["/potato", [`/`]],
  ["/sausage1", [`/`]],
  ["/sausage2*", [`/`]],
  ["/sausage3**", [`/sausage3**/`, "/"]],
  ["/a/*.jpg", [`/a/`, "/"]],
];

describe("rclone's TestGlobToDirGlobs", () => {
  it.each(GLOB_TO_DIR_GLOBS)("%j", (glob, want) => {
    expect(() => globToRe2(glob)).not.toThrow();
    expect(globToDirGlobs(glob)).toEqual(want);
  });
});

const include = (pattern: string): SyncFilterRule => ({ action: "include", pattern });
const exclude = (pattern: string): SyncFilterRule => ({ action: "exclude", pattern });

/** Filter rules as rclone's AddRule lines, `!` included. */
function filterOf(lines: string[]): SyncFilter {
  return new SyncFilter(rcloneFilterRules({ filter: lines }).rules);
}

describe("rclone's filter_test.go", () => {
  it("TestNewFilterFullExceptFilesFromOpt: order of include, exclude and filter rules, and the implicit exclude", () => {
    const { rules, warning } = rcloneFilterRules({
      filter: ["- filter1", "- filter1b", "+ filter2", "- filter3"],
      exclude: ["exclude1", "exclude2", "exclude3"],
      include: ["include1", "include2", "include3"],
    });
    expect(new SyncFilter(rules).dump()).toBe(
      [
        "--- File filter rules ---",
        "+ (^|/)include1$",
        "+ (^|/)include2$",
        "+ (^|/)include3$",
        "- (^|/)exclude1$",
        "- (^|/)exclude2$",
        "- (^|/)exclude3$",
        "- (^|/)filter1$",
        "- (^|/)filter1b$",
        "+ (^|/)filter2$",
        "- (^|/)filter3$",
        "- ^.*$",
        "--- Directory filter rules ---",
        "+ ^.*$",
        "- ^.*$",
      ].join("\n"),
    );
    expect(warning).toMatch(/Using --filter is recommended/);
  });

  it("TestNewFilterMatches", () => {
    const f = filterOf(["+ cleared", "!", "- /file1.jpg", "+ /file2.png", "+ /*.jpg", "- /*.png", "- /potato", "+ /sausage1", "+ /sausage2*", "+ /sausage3**", "+ /a/*.jpg", "- *"]);
    const files: [string, boolean][] = [
      ["cleared", false],
      ["file1.jpg", false],
      ["file2.png", true],
      ["FILE2.png", false],
      ["afile2.png", false],
      ["file3.jpg", true],
      ["file4.png", false],
      ["potato", false],
      ["sausage1", true],
      ["sausage1/potato", false],
      ["sausage2potato", true],
      ["sausage2/potato", false],
      ["sausage3/potato", true],
      ["a/one.jpg", true],
      ["a/one.png", false],
      ["unicorn", false],
    ];
    for (const [path, want] of files) expect([path, f.includes(path)]).toEqual([path, want]);
    const folders: [string, boolean][] = [
      ["sausage1", false],
      ["sausage2", false],
      ["sausage2/sub", false],
      ["sausage2/sub/dir", false],
      ["sausage3", true],
      ["SAUSAGE3", false],
      ["sausage3/sub", true],
      ["sausage3/sub/dir", true],
      ["sausage4", false],
      ["a", true],
    ];
    for (const [folder, want] of folders) expect([folder, f.descend(folder)]).toEqual([folder, want]);
  });

  it("TestNewFilterMatchesRegexp (the (?i) rule is refused: JS has no inline flags)", () => {
    expect(filterPatternProblem("*.{{(?i)jpg}}")).toMatch(/cannot match exactly/);
    const f = filterOf([String.raw`+ /{{file\d+\.png}}`, "- *"]);
    const files: [string, boolean][] = [
      ["file2.png", true],
      ["sub/file2.png", false],
      ["file123.png", true],
      ["File123.png", false],
      ["something.gif", false],
    ];
    for (const [path, want] of files) expect([path, f.includes(path)]).toEqual([path, want]);
    expect(f.descend("anything at all")).toBe(true);
  });

  it.each<[boolean, string, string[], string[]]>([
    [false, "potato", ["- (^|/)potato$"], []],
    [true, "potato", ["+ (^|/)potato$"], ["+ ^.*$"]],
    [false, "potato/", ["- (^|/)potato/.*$"], ["- (^|/)potato/.*$"]],
    [true, "potato/", [], ["+ (^|/)potato/$"]],
    [false, "*", ["- (^|/)[^/]*$"], ["- ^.*$"]],
    [true, "*", ["+ (^|/)[^/]*$"], ["+ ^.*$"]],
    [false, ".*{,/**}", ["- (^|/)\\.[^/]*(|/.*)$"], ["- (^|/)\\.[^/]*(|/.*)$"]],
    [true, "a/b/c/d", ["+ (^|/)a/b/c/d$"], ["+ (^|/)a/b/c/$", "+ (^|/)a/b/$", "+ (^|/)a/$"]],
  ])("TestFilterAddDirRuleOrFileRule: include=%j %j", (included, glob, fileRules, dirRules) => {
    // rclone's Filter.Add alone: no implicit exclude.
    const f = new SyncFilter([included ? include(glob) : exclude(glob)], { implicitExclude: false });
    expect(f.dump()).toBe(["--- File filter rules ---", ...fileRules, "--- Directory filter rules ---", ...dirRules].join("\n"));
  });

  it.each<[string, boolean, string]>([
    ["file.jpg", true, "file.jpg"],
    ["file.jpg", true, "directory/file.jpg"],
    ["file.jpg", false, "afile.jpg"],
    ["file.jpg", false, "directory/afile.jpg"],
    ["/file.jpg", true, "file.jpg"],
    ["/file.jpg", false, "afile.jpg"],
    ["/file.jpg", false, "directory/file.jpg"],
    ["*.jpg", true, "file.jpg"],
    ["*.jpg", true, "directory/file.jpg"],
    ["*.jpg", false, "file.jpg/anotherfile.png"],
    ["dir/**", true, "dir/file.jpg"],
    ["dir/**", true, "dir/dir1/dir2/file.jpg"],
    ["dir/**", false, "directory/file.jpg"],
    ["dir/**", false, "adir/file.jpg"],
    ["l?ss", true, "less"],
    ["l?ss", true, "lass"],
    ["l?ss", false, "floss"],
    ["h[ae]llo", true, "hello"],
    ["h[ae]llo", true, "hallo"],
    ["h[ae]llo", false, "hullo"],
    ["{one,two}_potato", true, "one_potato"],
    ["{one,two}_potato", true, "two_potato"],
    ["{one,two}_potato", false, "three_potato"],
    ["{one,two}_potato", false, "_potato"],
    ["\\*.jpg", true, "*.jpg"],
    ["\\\\.jpg", true, "\\.jpg"],
    ["\\[one\\].jpg", true, "[one].jpg"],
    ["potato", true, "potato"],
    ["potato", false, "POTATO"],
  ])("TestFilterMatchesFromDocs: + %j then - * on %j", (glob, included, file) => {
    expect(new SyncFilter([include(glob), exclude("*")]).includes(file)).toBe(included);
  });

  it.each<[string[], boolean]>([
    [[], false],
    [["+ *"], false],
    [["+ *.jpg", "- *"], false],
    [["- *.jpg"], false],
    [["- *.jpg", "+ *"], false],
    [["+ dir/*.jpg", "- *"], true],
    [["+ dir/**"], true],
    [["- dir/**"], true],
    [["- /dir/**"], true],
  ])("TestNewFilterUsesDirectoryFilters: %j uses folder filters: %j", (lines, want) => {
    const dirRules = filterOf(lines).dump().split("--- Directory filter rules ---\n")[1]?.split("\n") ?? [];
    expect(dirRules.length > 0 && dirRules[0] !== "+ ^.*$").toBe(want);
  });
});
