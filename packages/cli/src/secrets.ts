/** Environment variables whose values are credentials a backend may use (AWS SDK, redis-cli). */
const SECRET_ENV = ["AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "REDISCLI_AUTH"] as const;
// `scheme://user:password@` or `scheme://token@` in an argument.
const USER_INFO = /\b[a-z][a-z0-9+.-]*:\/\/([^\s/@]*)@/gi;

/**
 * The secrets the CLI must never print, for redaction (core's `redactText`): the values of the
 * credential variables in `env`, and the user info (password, or a lone token) of every URL in
 * `args`, as written and percent-decoded. URL user info is masked by pattern too; listing the
 * password also catches it where a message quotes it alone.
 */
export function secretsOf(env: NodeJS.ProcessEnv, args: readonly string[]): string[] {
  const secrets = SECRET_ENV.map((name) => env[name]).filter((value): value is string => typeof value === "string" && value !== "");
  for (const arg of args) {
    for (const [, userInfo = ""] of arg.matchAll(USER_INFO)) {
      const colon = userInfo.indexOf(":");
      const secret = colon === -1 ? userInfo : userInfo.slice(colon + 1);
      if (secret === "") continue;
      secrets.push(secret);
      try {
        secrets.push(decodeURIComponent(secret));
      } catch {
        // Not valid percent-encoding: the text as written is listed already.
      }
    }
  }
  return secrets;
}
