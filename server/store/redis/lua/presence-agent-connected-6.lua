--[[
  A socket of the agent connected in a server process: count it (per process and in total)
  and cancel any grace deadline. An agent created here takes the given status, so the queue
  then drains (to it, if it routes).

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] agent id
  ARGV[3] process id
  ARGV[4] capacity of an agent created by this call
  ARGV[5] status of an agent created by this call
  ARGV[6] JSON array of the agent's department ids (replacing them: the store is their
          source), '' to keep

  Output: JSON { a, r, q, agent = { id, status, capacity, load, conns, deadline } }
]]
local rcall = redis.call

--- @include "includes/presence"

local id = ARGV[2]
ensure_agent(id, ARGV[4], ARGV[5])
if ARGV[6] ~= '' then set_departments(id, ARGV[6]) end
rcall('HINCRBY', pconns_key(ARGV[3]), id, 1)
add_conns(id, 1)
clear_grace(id)
drain()
return finish({ agent = agent_view(id) })
