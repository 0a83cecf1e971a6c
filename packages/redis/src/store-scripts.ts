import { LuaScript } from "./lua-script.js";

/*
 * RedisStore's writes (see store-keys.ts for the layout). Each changes objects in their model's
 * hash together with the model-name set of the shard (one hash slot), so the names never disagree
 * with the objects, even between two processes writing at once. They are run through a
 * ScriptBatcher, with no key per item: KEYS are the (hash, model-name set) pairs of the batch;
 * ARGV is the number of pairs, the model name of each pair, then per object its arguments and the
 * number of its pair. (`#ARGV` is read once: in the loop condition it cost Redis about 0.1 µs per
 * object.)
 */

/**
 * Per object ARGV (json, uid, pair). Stores each object unless its uid is in the hash (HSETNX);
 * replies per object the stored JSON when it was there, false when it was added. Names each model
 * that got an object (one SADD per pair, not per object).
 */
export const insertScript = new LuaScript(`
local pairs_count = tonumber(ARGV[1])
local added = {}
local out = {}
local a = 2 + pairs_count
local n = #ARGV
while a <= n do
  local hash = KEYS[2 * tonumber(ARGV[a + 2]) - 1]
  if redis.call('HSETNX', hash, ARGV[a + 1], ARGV[a]) == 1 then
    added[tonumber(ARGV[a + 2])] = true
    out[#out + 1] = false
  else
    out[#out + 1] = redis.call('HGET', hash, ARGV[a + 1])
  end
  a = a + 3
end
for pair = 1, pairs_count do
  if added[pair] then redis.call('SADD', KEYS[2 * pair], ARGV[1 + pair]) end
end
return out
`);

/**
 * insertScript for one object: KEYS (hash, model-name set), ARGV (model, json, uid). Replies the
 * stored JSON when the uid was there, else nil (and stores the object, naming its model).
 */
export const insertOneScript = new LuaScript(`
if redis.call('HSETNX', KEYS[1], ARGV[3], ARGV[2]) == 1 then
  redis.call('SADD', KEYS[2], ARGV[1])
  return false
end
return redis.call('HGET', KEYS[1], ARGV[3])
`);

/**
 * As insertScript, but stores each object, replacing any stored one: one HSET per pair with all
 * its objects (in order, so the last of one uid wins); replies 1 per object.
 */
export const putScript = new LuaScript(`
local pairs_count = tonumber(ARGV[1])
local fields = {}
local out = {}
local a = 2 + pairs_count
local n = #ARGV
while a <= n do
  local pair = tonumber(ARGV[a + 2])
  local list = fields[pair]
  if list == nil then
    list = {}
    fields[pair] = list
  end
  list[#list + 1] = ARGV[a + 1]
  list[#list + 1] = ARGV[a]
  out[#out + 1] = 1
  a = a + 3
end
for pair = 1, pairs_count do
  local list = fields[pair]
  if list ~= nil then
    redis.call('HSET', KEYS[2 * pair - 1], unpack(list))
    redis.call('SADD', KEYS[2 * pair], ARGV[1 + pair])
  end
end
return out
`);

/** putScript for one object: KEYS (hash, model-name set), ARGV (model, json, uid). Replies 1. */
export const putOneScript = new LuaScript(`
redis.call('HSET', KEYS[1], ARGV[3], ARGV[2])
redis.call('SADD', KEYS[2], ARGV[1])
return 1
`);

/**
 * Per object ARGV (uid, pair). Deletes every object given, all at once; replies per object 1
 * when it was stored, else 0. A model whose hash a batch emptied leaves the shard's name set.
 */
export const removeScript = new LuaScript(`
local pairs_count = tonumber(ARGV[1])
local touched = {}
local out = {}
local a = 2 + pairs_count
local n = #ARGV
while a <= n do
  local pair = tonumber(ARGV[a + 1])
  local removed = redis.call('HDEL', KEYS[2 * pair - 1], ARGV[a])
  if removed == 1 then touched[pair] = true end
  out[#out + 1] = removed
  a = a + 2
end
for pair = 1, pairs_count do
  if touched[pair] and redis.call('EXISTS', KEYS[2 * pair - 1]) == 0 then
    redis.call('SREM', KEYS[2 * pair], ARGV[1 + pair])
  end
end
return out
`);

/**
 * removeScript for one object: KEYS (hash, model-name set), ARGV (model, uid). Replies 1 when it
 * was stored, else 0.
 */
export const removeOneScript = new LuaScript(`
local removed = redis.call('HDEL', KEYS[1], ARGV[2])
if removed == 1 and redis.call('EXISTS', KEYS[1]) == 0 then redis.call('SREM', KEYS[2], ARGV[1]) end
return removed
`);

/**
 * KEYS: model hashes. Replies the sum of their sizes: `count()` on a standalone server in one
 * command rather than one HLEN per shard (a cluster has the hashes on several nodes and asks each).
 */
export const countScript = new LuaScript(`
local total = 0
for i = 1, #KEYS do total = total + redis.call('HLEN', KEYS[i]) end
return total
`);
