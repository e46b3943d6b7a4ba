--[[
  A socket of the agent connected: count it and cancel any grace deadline.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] agent id
  ARGV[3] capacity of an agent created by this call

  Output: JSON { id, status, capacity, load, conns, deadline }
]]
local rcall = redis.call

--- @include "includes/presence"

local id = ARGV[2]
local k = ensure_agent(id, ARGV[3])
rcall('HINCRBY', k, 'conns', 1)
clear_grace(id)
return cjson.encode(agent_view(id))
