package dev.jfaas.queue.redis;

/**
 * The Lua scripts behind every Redis change that touches more than one key or must compare before
 * it writes; Redis runs each atomically. Keys and arguments are named where each is used.
 */
final class RedisScripts {

    private RedisScripts() {}

    static final String CREATE = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            if ARGV[3] == '1' then redis.call('ZADD', KEYS[2], ARGV[4], KEYS[1]) end
            return 1""";
    static final String UPDATE = """
            if redis.call('HGET', KEYS[1], 'r') ~= ARGV[2] then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1])
            local revision = redis.call('HINCRBY', KEYS[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[3])
            return revision""";
    static final String PUT = """
            redis.call('HSET', KEYS[1], 'v', ARGV[1])
            redis.call('HINCRBY', KEYS[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            return 1""";
    /** One batch of documents: the next cursor first, then the values; expired keys leave the index. */
    static final String DOCUMENTS = """
            local r = redis.call('ZSCAN', KEYS[1], ARGV[1], 'COUNT', 500)
            local out = {r[1]}
            for i = 1, #r[2], 2 do
              local k = r[2][i]
              local v = redis.call('HGET', k, 'v')
              if v then out[#out + 1] = v else redis.call('ZREM', KEYS[1], k) end
            end
            return out""";
    /**
     * One batch of the documents made before ARGV[3] (ms, exclusive), in the order made, from
     * score ARGV[1] on, skipping the first ARGV[2] kept at that score (read by the batch before).
     * Answers how many entries it looked at (fewer than the batch: the last), where the next
     * batch starts (score, how many to skip there), then the values; expired keys leave the index.
     */
    static final String DOCUMENTS_MADE_BEFORE = """
            local r = redis.call('ZRANGE', KEYS[1], ARGV[1], '(' .. ARGV[3], 'BYSCORE', 'LIMIT', ARGV[2], 500, 'WITHSCORES')
            local last, same = ARGV[1], tonumber(ARGV[2])
            local values = {}
            for i = 1, #r, 2 do
              local v = redis.call('HGET', r[i], 'v')
              if v then
                values[#values + 1] = v
                if r[i + 1] == last then same = same + 1 else last = r[i + 1]; same = 1 end
              else
                redis.call('ZREM', KEYS[1], r[i])
              end
            end
            local out = {#r / 2, last, same}
            for _, v in ipairs(values) do out[#out + 1] = v end
            return out""";
    /** The index of documents was a set before it was ordered by when each was made: those in it count as oldest. */
    static final String MIGRATE_DOCUMENTS = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            for _, k in ipairs(redis.call('SMEMBERS', KEYS[1])) do redis.call('ZADD', KEYS[2], 0, k) end
            redis.call('DEL', KEYS[1])
            return 1""";
    /** The entry carries its queue and function, so the load count can follow it in and out. */
    static final String PUBLISH = """
            if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('XGROUP', 'CREATE', KEYS[1], ARGV[6], '0', 'MKSTREAM') end
            redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'q', ARGV[2], 'fn', ARGV[3], 'call', ARGV[4], 'rev', ARGV[5])
            redis.call('HINCRBY', KEYS[2], ARGV[2] .. ' ' .. ARGV[3], 1)
            redis.call('SADD', KEYS[3], KEYS[1])
            return 1""";
    /** CREATE of a call's document and PUBLISH of its message (at revision 1) in one. */
    static final String CREATE_AND_PUBLISH = """
            if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
            redis.call('HSET', KEYS[1], 'v', ARGV[1], 'r', 1)
            redis.call('PEXPIRE', KEYS[1], ARGV[2])
            redis.call('ZADD', KEYS[2], ARGV[7], KEYS[1])
            if redis.call('EXISTS', KEYS[3]) == 0 then redis.call('XGROUP', 'CREATE', KEYS[3], ARGV[8], '0', 'MKSTREAM') end
            redis.call('XADD', KEYS[3], '*', 'id', ARGV[3], 'q', ARGV[4], 'fn', ARGV[5], 'call', ARGV[6], 'rev', 1)
            redis.call('HINCRBY', KEYS[4], ARGV[4] .. ' ' .. ARGV[5], 1)
            redis.call('SADD', KEYS[5], KEYS[3])
            return 1""";
    static final String LOAD = """
            local oldest = {}
            for _, s in ipairs(redis.call('SMEMBERS', KEYS[3])) do
              local first = redis.call('XRANGE', s, '-', '+', 'COUNT', 1)
              if #first > 0 then oldest[#oldest + 1] = s; oldest[#oldest + 1] = first[1][1] end
            end
            return {redis.call('HGETALL', KEYS[1]), redis.call('HGETALL', KEYS[2]), oldest}""";
    /** The work streams (KEYS[1], the set of them) of one queue (ARGV[1], the name's start) that hold entries. */
    static final String BACKLOG = """
            local out = {}
            for _, s in ipairs(redis.call('SMEMBERS', KEYS[1])) do
              if string.sub(s, 1, #ARGV[1]) == ARGV[1] and redis.call('XLEN', s) > 0 then out[#out + 1] = s end
            end
            return out""";
    /**
     * Moves the entries of an earlier version's stream of one queue and priority (KEYS[1]) into
     * the streams of their functions (KEYS[1] .. ':' .. the function's token, as
     * {@code DocumentKeys.token} makes it), then drops it. Pending entries move too: their
     * documents tell their next delivery whether they still run. ARGV[1] is the group.
     */
    static final String SPLIT_BY_FUNCTION = """
            if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
            local function token(t)
              if #t > 0 and #t <= 120 and not string.find(t, '[^%w%-]') then return t end
              return '_' .. (string.gsub(t, '.', function(c) return string.format('%02x', string.byte(c)) end))
            end
            local moved = 0
            for _, e in ipairs(redis.call('XRANGE', KEYS[1], '-', '+')) do
              local f, fn = e[2], nil
              for i = 1, #f, 2 do if f[i] == 'fn' then fn = f[i + 1] end end
              if fn then
                local target = KEYS[1] .. ':' .. token(fn)
                if redis.call('EXISTS', target) == 0 then redis.call('XGROUP', 'CREATE', target, ARGV[1], '0', 'MKSTREAM') end
                redis.call('XADD', target, '*', unpack(f))
                redis.call('SADD', KEYS[2], target)
                moved = moved + 1
              end
            end
            redis.call('DEL', KEYS[1], KEYS[1] .. ':due')
            redis.call('SREM', KEYS[2], KEYS[1])
            return moved""";
    /** Due hand-backs first, then deliveries abandoned by dead workers, then new entries. */
    static final String FETCH = """
            local max = tonumber(ARGV[4])
            local out = {}
            local due = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', ARGV[3], 'LIMIT', 0, max)
            if #due > 0 then
              redis.call('ZREM', KEYS[2], unpack(due))
              for _, e in ipairs(redis.call('XCLAIM', KEYS[1], ARGV[1], ARGV[2], 0, unpack(due))) do
                if e and e[2] then out[#out + 1] = e end
              end
            end
            if #out < max then
              local r = redis.call('XAUTOCLAIM', KEYS[1], ARGV[1], ARGV[2], ARGV[5], '0-0', 'COUNT', max - #out)
              for _, e in ipairs(r[2]) do
                if e and e[2] then out[#out + 1] = e end
              end
            end
            if #out < max then
              local r = redis.call('XREADGROUP', 'GROUP', ARGV[1], ARGV[2], 'COUNT', max - #out, 'STREAMS', KEYS[1], '>')
              if r then
                for _, e in ipairs(r[1][2]) do out[#out + 1] = e end
              end
            end
            return out""";
    static final String ACK = """
            local e = redis.call('XRANGE', KEYS[1], ARGV[2], ARGV[2])
            if #e > 0 then
              local f, q, fn = e[1][2], nil, nil
              for i = 1, #f, 2 do
                if f[i] == 'q' then q = f[i + 1] elseif f[i] == 'fn' then fn = f[i + 1] end
              end
              if q and fn then redis.call('HINCRBY', KEYS[3], q .. ' ' .. fn, -1) end
              redis.call('XACK', KEYS[1], ARGV[1], ARGV[2])
              redis.call('XDEL', KEYS[1], ARGV[2])
            end
            redis.call('ZREM', KEYS[2], ARGV[2])
            return 1""";
    static final String KEEP_DEAD = """
            local old = redis.call('HGET', KEYS[2], ARGV[1])
            if old then redis.call('XDEL', KEYS[1], old) else redis.call('HINCRBY', KEYS[3], ARGV[3], 1) end
            local id = redis.call('XADD', KEYS[1], '*', 'id', ARGV[1], 'count', ARGV[3], 'call', ARGV[2])
            redis.call('HSET', KEYS[2], ARGV[1], id)
            return 1""";
    static final String DEAD_LETTER = """
            local id = redis.call('HGET', KEYS[2], ARGV[1])
            if not id then return false end
            local e = redis.call('XRANGE', KEYS[1], id, id)
            if #e == 0 then return false end
            local f = e[1][2]
            for i = 1, #f, 2 do if f[i] == 'call' then return f[i + 1] end end
            return false""";
    static final String PURGE_DEAD = """
            local id = redis.call('HGET', KEYS[2], ARGV[1])
            if id then
              redis.call('XDEL', KEYS[1], id)
              redis.call('HINCRBY', KEYS[3], ARGV[2], -1)
            end
            redis.call('HDEL', KEYS[2], ARGV[1])
            return 1""";
}
