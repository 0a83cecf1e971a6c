/** The addressing and exit-code section of `stowage --help`. */
export const ADDRESSING_HELP = `
Locations:
  <store>            a store's root folder
  <store>::<key>     a file or folder inside it (keys are always /-separated)

Stores:
  ./backup, /srv/backup, file:///srv/backup     local folder       (@stowage/local)
  memory://                                     this process only  (@stowage/memory)
  redis://host:6379/0, rediss://…, redis+unix:///run/redis.sock   (@stowage/redis)
  s3://bucket/prefix?region=…&endpoint=…        S3 and compatibles (@stowage/s3)
  <scheme>://…                                  stowage-adapter-<scheme>, or STOWAGE_ADAPTERS=<scheme>=<module>

Examples:
  stowage put notes.txt ./backup::docs/
  stowage ls -rl ./backup
  stowage sync ./photos s3://bucket::photos --dry-run

Exit codes:
  0 ok, 1 other failure, 2 usage, 3 not found, 4 invalid path, 5 capability,
  6 conflict, 7 unavailable, 8 adapter missing or not loadable, 9 sync incomplete,
  10 sync over --max-delete, 11 check found differences, 130 interrupted (SIGINT),
  143 stopped (SIGTERM)
`;
