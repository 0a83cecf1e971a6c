import { LuaScript } from "./lua-script.js";

/*
 * RedisStore's writes. Each takes an object key, the uid set and the model-name set of the
 * object's shard (one hash slot), and changes the three together, so the indexes never disagree
 * with the objects, even between two processes writing at once.
 */

/**
 * ARGV: json, uid, model. Stores the object unless its key exists (SET NX); returns the stored
 * JSON when it did exist, nil when it was added.
 */
export const insertScript = new LuaScript(`
if redis.call('SET', KEYS[1], ARGV[1], 'NX') then
  redis.call('SADD', KEYS[2], ARGV[2])
  redis.call('SADD', KEYS[3], ARGV[3])
  return false
end
return redis.call('GET', KEYS[1])
`);

/** ARGV: json, uid, model. Stores the object, replacing any stored one. */
export const putScript = new LuaScript(`
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SADD', KEYS[2], ARGV[2])
redis.call('SADD', KEYS[3], ARGV[3])
return 1
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
