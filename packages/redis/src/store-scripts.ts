import { LuaScript } from "./lua-script.js";

/*
 * RedisStore's writes. Each takes an object key, the uid set and the model-name set of the
 * object's shard (one hash slot), and changes the three together, so the indexes never disagree
 * with the objects, even between two processes writing at once.
 */

/**
 * KEYS: (object, uid set, model-name set) per object; ARGV: (json, uid, model) per object. Stores
 * each object unless its key exists (SET NX); replies per object the stored JSON when it did
 * exist, nil when it was added.
 */
export const insertScript = new LuaScript(`
local out = {}
for i = 1, #KEYS, 3 do
  local j = i
  if redis.call('SET', KEYS[i], ARGV[j], 'NX') then
    redis.call('SADD', KEYS[i + 1], ARGV[j + 1])
    redis.call('SADD', KEYS[i + 2], ARGV[j + 2])
    out[#out + 1] = false
  else
    out[#out + 1] = redis.call('GET', KEYS[i])
  end
end
return out
`);

/** KEYS and ARGV as for insertScript. Stores each object, replacing any stored one; replies 1 per object. */
export const putScript = new LuaScript(`
local out = {}
for i = 1, #KEYS, 3 do
  redis.call('SET', KEYS[i], ARGV[i])
  redis.call('SADD', KEYS[i + 1], ARGV[i + 1])
  redis.call('SADD', KEYS[i + 2], ARGV[i + 2])
  out[#out + 1] = 1
end
return out
`);

/**
 * KEYS: (object, uid set, model-name set) per object; ARGV: (uid, model) per object. Deletes every
 * object given, all at once; returns per object 1 when it was stored, else 0.
 */
export const removeScript = new LuaScript(`
local out = {}
for i = 1, #KEYS, 3 do
  local j = (i - 1) / 3 * 2 + 1
  if redis.call('DEL', KEYS[i]) == 1 then
    redis.call('SREM', KEYS[i + 1], ARGV[j])
    if redis.call('SCARD', KEYS[i + 1]) == 0 then redis.call('SREM', KEYS[i + 2], ARGV[j + 1]) end
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
return out
`);
