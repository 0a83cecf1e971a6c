import { LuaScript } from "./lua-script.js";

/*
 * RedisStore's writes. Each changes an object key together with the uid set and the model-name
 * set of the object's shard (one hash slot), so the indexes never disagree with the objects, even
 * between two processes writing at once. They are run through a ScriptBatcher: KEYS are the
 * (uid set, model-name set) pairs of the batch, then the object keys; ARGV is the number of pairs,
 * the model name of each pair, then per object its arguments and the number of its pair.
 */

// Shared by the writes: collects the uids added per pair, then indexes them with one SADD per uid
// set and one per model-name set, not one of each per object.
const INDEX_ADDED = `
local pairs_count = tonumber(ARGV[1])
local added = {}
local function note(pair, uid)
  local uids = added[pair]
  if uids == nil then
    uids = {}
    added[pair] = uids
  end
  uids[#uids + 1] = uid
end
local function flush()
  for pair = 1, pairs_count do
    local uids = added[pair]
    if uids ~= nil then
      redis.call('SADD', KEYS[2 * pair - 1], unpack(uids))
      redis.call('SADD', KEYS[2 * pair], ARGV[1 + pair])
    end
  end
end
`;

/**
 * Per object: its key; ARGV (json, uid, pair). Stores each object unless its key exists (SET NX);
 * replies per object the stored JSON when it did exist, nil when it was added.
 */
export const insertScript = new LuaScript(`${INDEX_ADDED}
local out = {}
local a = 2 + pairs_count
for i = 2 * pairs_count + 1, #KEYS do
  if redis.call('SET', KEYS[i], ARGV[a], 'NX') then
    note(tonumber(ARGV[a + 2]), ARGV[a + 1])
    out[#out + 1] = false
  else
    out[#out + 1] = redis.call('GET', KEYS[i])
  end
  a = a + 3
end
flush()
return out
`);

/** As insertScript, but stores each object, replacing any stored one; replies 1 per object. */
export const putScript = new LuaScript(`${INDEX_ADDED}
local out = {}
local a = 2 + pairs_count
for i = 2 * pairs_count + 1, #KEYS do
  redis.call('SET', KEYS[i], ARGV[a])
  note(tonumber(ARGV[a + 2]), ARGV[a + 1])
  out[#out + 1] = 1
  a = a + 3
end
flush()
return out
`);

/**
 * Per object: its key; ARGV (uid, pair). Deletes every object given, all at once; returns per
 * object 1 when it was stored, else 0. The index updates are batched: one SREM and one SCARD per
 * uid set touched, not one of each per object (a batch of a thousand removes of one model costs
 * one SREM and one SCARD).
 */
export const removeScript = new LuaScript(`
local pairs_count = tonumber(ARGV[1])
local out = {}
local removed = {}
local a = 2 + pairs_count
for i = 2 * pairs_count + 1, #KEYS do
  if redis.call('DEL', KEYS[i]) == 1 then
    local pair = tonumber(ARGV[a + 1])
    local uids = removed[pair]
    if uids == nil then
      uids = {}
      removed[pair] = uids
    end
    uids[#uids + 1] = ARGV[a]
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
  a = a + 2
end
for pair = 1, pairs_count do
  local uids = removed[pair]
  if uids ~= nil then
    local set = KEYS[2 * pair - 1]
    redis.call('SREM', set, unpack(uids))
    if redis.call('SCARD', set) == 0 then redis.call('SREM', KEYS[2 * pair], ARGV[1 + pair]) end
  end
end
return out
`);

/**
 * KEYS: uid sets. Replies the sum of their sizes: `count()` on a standalone server in one command
 * rather than one SCARD per shard (a cluster has the sets on several nodes and asks each).
 */
export const countScript = new LuaScript(`
local total = 0
for i = 1, #KEYS do total = total + redis.call('SCARD', KEYS[i]) end
return total
`);
