import { LuaScript } from "./lua-script.js";

/*
 * RedisStore's writes. Each takes an object key, the uid set and the model-name set of the
 * object's shard (one hash slot), and changes the three together, so the indexes never disagree
 * with the objects, even between two processes writing at once.
 */

// Shared by the writes: collects the uids added per uid set, then indexes them with one SADD per
// uid set and one per model-name set, not one of each per object.
const INDEX_ADDED = `
local added = {}
local order = {}
local function note(set, models, model, uid)
  local entry = added[set]
  if entry == nil then
    entry = { models = models, model = model, uids = {} }
    added[set] = entry
    order[#order + 1] = set
  end
  entry.uids[#entry.uids + 1] = uid
end
local function flush()
  for _, set in ipairs(order) do
    local entry = added[set]
    redis.call('SADD', set, unpack(entry.uids))
    redis.call('SADD', entry.models, entry.model)
  end
end
`;

/**
 * KEYS: (object, uid set, model-name set) per object; ARGV: (json, uid, model) per object. Stores
 * each object unless its key exists (SET NX); replies per object the stored JSON when it did
 * exist, nil when it was added.
 */
export const insertScript = new LuaScript(`${INDEX_ADDED}
local out = {}
for i = 1, #KEYS, 3 do
  if redis.call('SET', KEYS[i], ARGV[i], 'NX') then
    note(KEYS[i + 1], KEYS[i + 2], ARGV[i + 2], ARGV[i + 1])
    out[#out + 1] = false
  else
    out[#out + 1] = redis.call('GET', KEYS[i])
  end
end
flush()
return out
`);

/** KEYS and ARGV as for insertScript. Stores each object, replacing any stored one; replies 1 per object. */
export const putScript = new LuaScript(`${INDEX_ADDED}
local out = {}
for i = 1, #KEYS, 3 do
  redis.call('SET', KEYS[i], ARGV[i])
  note(KEYS[i + 1], KEYS[i + 2], ARGV[i + 2], ARGV[i + 1])
  out[#out + 1] = 1
end
flush()
return out
`);

/**
 * KEYS: (object, uid set, model-name set) per object; ARGV: (uid, model) per object. Deletes every
 * object given, all at once; returns per object 1 when it was stored, else 0. The index updates
 * are batched: one SREM per uid set and one SCARD per set touched, not one of each per object
 * (a batch of a thousand removes of one model costs one SREM and one SCARD).
 */
export const removeScript = new LuaScript(`
local out = {}
local removed = {}
local order = {}
for i = 1, #KEYS, 3 do
  local j = (i - 1) / 3 * 2 + 1
  if redis.call('DEL', KEYS[i]) == 1 then
    local set = KEYS[i + 1]
    local entry = removed[set]
    if entry == nil then
      entry = { models = KEYS[i + 2], model = ARGV[j + 1], uids = {} }
      removed[set] = entry
      order[#order + 1] = set
    end
    entry.uids[#entry.uids + 1] = ARGV[j]
    out[#out + 1] = 1
  else
    out[#out + 1] = 0
  end
end
for _, set in ipairs(order) do
  local entry = removed[set]
  redis.call('SREM', set, unpack(entry.uids))
  if redis.call('SCARD', set) == 0 then redis.call('SREM', entry.models, entry.model) end
end
return out
`);
