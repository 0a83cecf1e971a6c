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

/** ARGV: uid, model. Deletes the object; returns 1 when it was stored, else 0. */
export const removeScript = new LuaScript(`
if redis.call('DEL', KEYS[1]) == 0 then return 0 end
redis.call('SREM', KEYS[2], ARGV[1])
if redis.call('SCARD', KEYS[2]) == 0 then redis.call('SREM', KEYS[3], ARGV[2]) end
return 1
`);
