--[[
  A socket of the agent disconnected. When none is left, the agent keeps status and chats
  until the grace deadline, which expire-grace then acts on.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] agent id
  ARGV[3] grace deadline, ms since epoch
  ARGV[4] capacity of an agent created by this call

  Output: JSON { id, status, capacity, load, conns, deadline }
]]
local rcall = redis.call

--- @include "includes/presence"

local id = ARGV[2]
local k = ensure_agent(id, ARGV[4])
local h = rcall('HMGET', k, 'conns', 'status', 'deadline')
-- A duplicate disconnect never takes the count below 0.
local conns = math.max((tonumber(h[1]) or 0) - 1, 0)
rcall('HSET', k, 'conns', conns)
-- An offline agent has nothing to hand back; an existing deadline is not pushed later.
if conns == 0 and h[2] ~= 'offline' and (h[3] or '') == '' then
  rcall('HSET', k, 'deadline', ARGV[3])
  rcall('ZADD', K_GRACE, ARGV[3], id)
end
return cjson.encode(agent_view(id))
