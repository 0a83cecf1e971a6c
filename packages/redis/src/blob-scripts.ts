import { LuaScript } from "./lua-script.js";

/*
 * The catalogue scripts of RedisStorage. Every script receives the four catalogue keys
 * (files, meta, folders, refs: see blob-keys.ts) and changes them in one atomic step, so no reader
 * or writer ever sees a half-done write, move or delete, and file/folder conflicts are decided
 * against the state the change is applied to. Content ids whose last reference went away are
 * returned, for the caller to expire (the content hashes live in other hash slots).
 */
const PRELUDE = `
local files, meta, folders, refs = KEYS[1], KEYS[2], KEYS[3], KEYS[4]

local function parents(path)
  local out = {}
  local i = string.find(path, '/', 1, true)
  while i do
    out[#out + 1] = string.sub(path, 1, i - 1)
    i = string.find(path, '/', i + 1, true)
  end
  return out
end

-- Why path cannot be a file, or false.
local function conflict(path)
  if redis.call('HEXISTS', folders, path) == 1 then return 'a folder exists at this path' end
  for _, parent in ipairs(parents(path)) do
    if redis.call('HEXISTS', meta, parent) == 1 then return "'" .. parent .. "' is a file" end
  end
  return false
end

local function content(m) return cjson.decode(m).g end

local function incref(id) redis.call('HINCRBY', refs, id, 1) end

local function decref(id, freed)
  if redis.call('HINCRBY', refs, id, -1) <= 0 then
    redis.call('HDEL', refs, id)
    freed[#freed + 1] = id
  end
end

-- Points path at metadata m; returns the metadata it replaced, if any.
local function attach(path, m)
  local old = redis.call('HGET', meta, path)
  if not old then
    redis.call('ZADD', files, 0, path)
    for _, parent in ipairs(parents(path)) do redis.call('HINCRBY', folders, parent, 1) end
  end
  redis.call('HSET', meta, path, m)
  return old
end

-- Removes path from the catalogue; returns its metadata, or nil when it was not a file.
local function detach(path)
  local m = redis.call('HGET', meta, path)
  if not m then return nil end
  redis.call('HDEL', meta, path)
  redis.call('ZREM', files, path)
  for _, parent in ipairs(parents(path)) do
    if redis.call('HINCRBY', folders, parent, -1) <= 0 then redis.call('HDEL', folders, parent) end
  end
  return m
end
`;

const script = (body: string) => new LuaScript(PRELUDE + body);

/** ARGV: path. Returns a conflict reason, or false (nil). Read-only. */
export const checkScript = script(`
return conflict(ARGV[1])
`);

/** ARGV: path, metadata JSON. Returns {'conflict', reason} or {'ok', freed ids...}. */
export const commitScript = script(`
local path, m = ARGV[1], ARGV[2]
local reason = conflict(path)
if reason then return {'conflict', reason} end
local freed = {}
incref(content(m))
local old = attach(path, m)
if old then decref(content(old), freed) end
return {'ok', unpack(freed)}
`);

/** ARGV: path. Returns the freed ids (empty when path was not a file). */
export const deleteScript = script(`
local freed = {}
local m = detach(ARGV[1])
if m then decref(content(m), freed) end
return freed
`);

/** ARGV: src, dst (different). Returns {'missing'}, {'conflict', reason} or {'ok', freed ids...}. */
export const moveScript = script(`
local src, dst = ARGV[1], ARGV[2]
if redis.call('HEXISTS', meta, src) == 0 then return {'missing'} end
local reason = conflict(dst)
if reason then return {'conflict', reason} end
local freed = {}
local old = attach(dst, detach(src))
if old then decref(content(old), freed) end
return {'ok', unpack(freed)}
`);

/**
 * ARGV: src, dst. Makes dst share src's content (no bytes are copied), with src's metadata
 * (mtime included). Returns {'missing'}, {'conflict', reason} or {'ok', freed ids...}.
 */
export const copyScript = script(`
local src, dst = ARGV[1], ARGV[2]
local m = redis.call('HGET', meta, src)
if not m then return {'missing'} end
local reason = conflict(dst)
if reason then return {'conflict', reason} end
local freed = {}
incref(content(m))
local old = attach(dst, m)
if old then decref(content(old), freed) end
return {'ok', unpack(freed)}
`);
