--[[
  Shared helpers of the presence scripts.

  Not a command of its own: a presence script names it with `--- @include "includes/presence"`
  after its `local rcall = redis.call`, and the loader (../../scripts.ts) puts this file in
  place of that line before defineCommand, so the helpers below are locals of each script's
  chunk. Error line numbers reported by Redis therefore count this file's lines too.

  Every presence script receives the same KEYS, in this order:
    KEYS[1] <prefix>:agents  set of every known agent id
    KEYS[2] <prefix>:avail   zset of routable agents (online, load < capacity, not in grace),
                          score load/capacity
    KEYS[3] <prefix>:queue   list of waiting conversation ids, head (index 0) first, kept in
                          queue order: higher `pri` first, then lower `at` (see queue_insert)
    KEYS[4] <prefix>:assign  hash conversation id -> agent id
    KEYS[5] <prefix>:grace   zset agent id -> grace deadline (ms since epoch)
    KEYS[6] <prefix>:seq     assignment counter (orders assignments; not a clock)
  and ARGV[1] = <prefix>, from which the other keys are built:
    <prefix>:agent:<id>   hash status, capacity, load, last (counter of its latest
                          assignment, 0 = never), conns (sockets in every process),
                          deadline ('' = none), depts (department ids as ',a,b,'; '' = none)
    <prefix>:conv:<id>    hash of a routed conversation until it is released: pri (priority,
                          higher first), at (its place within its priority: a tail arrival
                          takes the next qseq, a return to the front minus the next one),
                          dept (department it waits for; '' = any agent)
    <prefix>:qseq         counter behind `at`
    <prefix>:overflow     zset conversation id -> when its department stops binding it (ms
                          since epoch); presence-overflow-6.lua acts on it
    <prefix>:convs:<id>   zset of the agent's conversation ids scored by assignment counter
    <prefix>:pconns:<pid> hash agent id -> sockets of the agent held by server process <pid>
    <prefix>:procs        zset process id -> its last heartbeat (ms since epoch)
    <prefix>:epoch        the pool's epoch (created by the first heartbeat that finds none)
    <prefix>:lease:<name> hash holder, until (ms since epoch)
  The prefix carries a Redis Cluster hash tag (`{...}`, see ../../presence/redis.ts), so all
  these keys share one hash slot and the scripts run on a Cluster as on a single Redis.

  Each step collects what it changed in `step`; finish() encodes it as JSON
  { a = {{conv, agent}...}, r = {{conv, fromAgent}...}, q = queueChanged, ...extra }.
]]
local K_AGENTS, K_AVAIL, K_QUEUE, K_ASSIGN, K_GRACE, K_SEQ =
  KEYS[1], KEYS[2], KEYS[3], KEYS[4], KEYS[5], KEYS[6]
local PREFIX = ARGV[1]

local function agent_key(id) return PREFIX .. ':agent:' .. id end
local function convs_key(id) return PREFIX .. ':convs:' .. id end
local function pconns_key(pid) return PREFIX .. ':pconns:' .. pid end
local function conv_key(conv) return PREFIX .. ':conv:' .. conv end
local K_OVERFLOW, K_QSEQ = PREFIX .. ':overflow', PREFIX .. ':qseq'

-- `pushed` holds conversations this step put in the queue: popping one of them again
-- leaves the queue as it was, so it alone does not count as a queue change.
local step = { assigned = {}, requeued = {}, pushed = {}, queue_changed = false }

-- { id, status, capacity, load, conns, deadline } as stored; parsed in Node.
local function agent_view(id)
  local h = rcall('HMGET', agent_key(id), 'status', 'capacity', 'load', 'conns', 'deadline')
  return { id, h[1], h[2], h[3], h[4], h[5] }
end

-- Whether the agent takes new conversations: online, load < capacity, and not in grace (a
-- pending deadline means no socket is left anywhere: nobody would see the chat until they
-- reconnect or grace expires). Returns the load/capacity ratio when it does, else nil.
local function routable(id)
  local h = rcall('HMGET', agent_key(id), 'status', 'capacity', 'load', 'deadline')
  local cap, load = tonumber(h[2]) or 0, tonumber(h[3]) or 0
  if h[1] == 'online' and load < cap and (h[4] or '') == '' then return load / cap end
  return nil
end

-- Keeps `avail` in step with the agent hash: a member iff routable.
local function refresh_avail(id)
  local ratio = routable(id)
  if ratio then
    rcall('ZADD', K_AVAIL, ratio, id)
  else
    rcall('ZREM', K_AVAIL, id)
  end
end

-- Creates an unknown agent with the given capacity and status ('offline' when not given).
local function ensure_agent(id, default_capacity, status)
  local k = agent_key(id)
  if rcall('SADD', K_AGENTS, id) == 1 then
    rcall('HSET', k, 'status', status or 'offline', 'capacity', default_capacity, 'load', 0,
      'last', 0, 'conns', 0, 'deadline', '')
    refresh_avail(id)
  end
  return k
end

local function in_department(id, dept)
  local d = rcall('HGET', agent_key(id), 'depts') or ''
  return string.find(d, ',' .. dept .. ',', 1, true) ~= nil
end

-- Least-loaded agent (of department `dept`, any when ''): lowest load/capacity; among equal
-- ratios the lowest `last` (never assigned = 0 comes first); then the lowest id (zset order).
-- Scores are doubles of small integer ratios, so equal ratios give equal scores and the score
-- strings compare equal. The walk stops at the end of the first ratio holding a candidate.
local function pick_agent(dept)
  local all = rcall('ZRANGE', K_AVAIL, 0, -1, 'WITHSCORES')
  local best, best_score, best_last
  for i = 1, #all, 2 do
    local id, score = all[i], all[i + 1]
    if best and score ~= best_score then break end
    if dept == '' or in_department(id, dept) then
      local last = tonumber(rcall('HGET', agent_key(id), 'last')) or 0
      if best == nil or last < best_last then best, best_score, best_last = id, score, last end
    end
  end
  return best
end

-- Replaces the agent's departments by the JSON array `json`.
local function set_departments(id, json)
  local ids = cjson.decode(json)
  rcall('HSET', agent_key(id), 'depts', #ids > 0 and (',' .. table.concat(ids, ',') .. ',') or '')
end

-- `restored`: the assignment existed before the pool lost it; it is not reported as new.
local function assign(conv, id, restored)
  local seq = rcall('INCR', K_SEQ)
  local k = agent_key(id)
  rcall('HSET', K_ASSIGN, conv, id)
  rcall('ZADD', convs_key(id), seq, conv)
  rcall('HINCRBY', k, 'load', 1)
  rcall('HSET', k, 'last', seq)
  refresh_avail(id)
  if not restored then step.assigned[#step.assigned + 1] = { conv, id } end
end

local function unassign(conv, id)
  rcall('HDEL', K_ASSIGN, conv)
  rcall('ZREM', convs_key(id), conv)
  rcall('HINCRBY', agent_key(id), 'load', -1)
  refresh_avail(id)
end

-- Orders the queue: higher priority first; within a priority, lower `at` first. Puts `conv`
-- (its hash already holding pri and at) in its place, most often the tail.
local function queue_insert(conv)
  local h = rcall('HMGET', conv_key(conv), 'pri', 'at')
  local pri, at = tonumber(h[1]) or 0, tonumber(h[2]) or 0
  local function after(other) -- `other` goes after conv
    local o = rcall('HMGET', conv_key(other), 'pri', 'at')
    local opri = tonumber(o[1]) or 0
    return opri < pri or (opri == pri and (tonumber(o[2]) or 0) > at)
  end
  local tail = rcall('LINDEX', K_QUEUE, -1)
  if tail and after(tail) then
    for _, other in ipairs(rcall('LRANGE', K_QUEUE, 0, -1)) do
      if after(other) then
        rcall('LINSERT', K_QUEUE, 'BEFORE', other, conv)
        return
      end
    end
  end
  rcall('RPUSH', K_QUEUE, conv)
end

-- Queues a conversation in its place: behind every one of its priority waiting (`front`
-- false), or ahead of them (true: it waited before, or a lead sends it back).
local function enqueue(conv, front)
  local n = rcall('INCR', K_QSEQ)
  rcall('HSET', conv_key(conv), 'at', front and -n or n)
  queue_insert(conv)
  step.pushed[conv] = true
end

local function push_front(conv) enqueue(conv, true) end
local function push_tail(conv) enqueue(conv, false) end

-- A new conversation's priority and department (ARGV strings: '' = 0 and none); a department
-- binds it until `overflow_at` (ms since epoch), then any agent may take it.
local function describe_conv(conv, pri, dept, overflow_at)
  rcall('HSET', conv_key(conv), 'pri', tonumber(pri) or 0, 'dept', dept)
  if dept ~= '' then rcall('ZADD', K_OVERFLOW, overflow_at, conv) end
end

-- A released conversation leaves no trace.
local function forget_conv(conv)
  rcall('DEL', conv_key(conv))
  rcall('ZREM', K_OVERFLOW, conv)
end

-- Assigns queued conversations in queue order, each to the least-loaded agent it may go to
-- (its department's, or anyone's), skipping those nobody may take yet, until the queue is
-- empty or nobody has capacity.
local function drain()
  if rcall('ZCARD', K_AVAIL) == 0 then return end
  for _, conv in ipairs(rcall('LRANGE', K_QUEUE, 0, -1)) do
    local id = pick_agent(rcall('HGET', conv_key(conv), 'dept') or '')
    if id then
      rcall('LREM', K_QUEUE, 1, conv)
      if step.pushed[conv] then step.pushed[conv] = nil else step.queue_changed = true end
      assign(conv, id)
      if rcall('ZCARD', K_AVAIL) == 0 then return end
    end
  end
end

-- Takes every conversation of the given agents back to the front of the queue, oldest
-- assignment first across all of them, so they keep the order in which they arrived.
local function requeue_agents(ids)
  local items = {}
  for _, id in ipairs(ids) do
    local convs = rcall('ZRANGE', convs_key(id), 0, -1, 'WITHSCORES')
    for i = 1, #convs, 2 do
      items[#items + 1] = { convs[i], tonumber(convs[i + 1]), id }
    end
    rcall('DEL', convs_key(id))
    rcall('HSET', agent_key(id), 'load', 0)
    refresh_avail(id)
  end
  table.sort(items, function(x, y) return x[2] < y[2] end)
  for i = #items, 1, -1 do
    rcall('HDEL', K_ASSIGN, items[i][1])
    push_front(items[i][1])
  end
  for _, it in ipairs(items) do step.requeued[#step.requeued + 1] = { it[1], it[3] } end
end

local function clear_grace(id)
  rcall('HSET', agent_key(id), 'deadline', '')
  rcall('ZREM', K_GRACE, id)
  refresh_avail(id)
end

-- An agent with no socket left, not offline and not already in grace, keeps status and
-- chats until `deadline`. Returns true when this call started the grace period.
local function start_grace(id, deadline)
  local h = rcall('HMGET', agent_key(id), 'conns', 'status', 'deadline')
  if (tonumber(h[1]) or 0) > 0 or h[2] == 'offline' or (h[3] or '') ~= '' then return false end
  rcall('HSET', agent_key(id), 'deadline', deadline)
  rcall('ZADD', K_GRACE, deadline, id)
  refresh_avail(id)
  return true
end

-- Adds n (may be negative) to the agent's total socket count, never below 0.
local function add_conns(id, n)
  local k = agent_key(id)
  local conns = math.max((tonumber(rcall('HGET', k, 'conns')) or 0) + n, 0)
  rcall('HSET', k, 'conns', conns)
end

-- Takes every socket counted for process `pid` out of presence; agents left with none may
-- enter grace. Returns the ids of those that did.
local function drop_process(pid, deadline)
  local held = rcall('HGETALL', pconns_key(pid))
  rcall('DEL', pconns_key(pid))
  local graced = {}
  for i = 1, #held, 2 do
    if rcall('SISMEMBER', K_AGENTS, held[i]) == 1 then
      add_conns(held[i], -tonumber(held[i + 1]))
      if start_grace(held[i], deadline) then graced[#graced + 1] = held[i] end
    end
  end
  return graced
end

-- The step's PoolChange plus `extra` fields, as JSON. The queue changed if something
-- pushed in this step is still there (or drain popped a conversation queued before).
local function finish(extra)
  if next(step.pushed) ~= nil then step.queue_changed = true end
  extra = extra or {}
  extra.a, extra.r, extra.q = step.assigned, step.requeued, step.queue_changed
  return cjson.encode(extra)
end
