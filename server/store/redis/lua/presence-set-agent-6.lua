--[[
  Create or update an agent (status, capacity, departments), then requeue (if offline) and
  drain (new departments may let it take conversations waiting for them).

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] agent id
  ARGV[3] new status ('online' | 'away' | 'offline'), '' to keep
  ARGV[4] new capacity, '' to keep
  ARGV[5] capacity of an agent created by this call
  ARGV[6] JSON array of the agent's department ids (replacing them), '' to keep

  Output: JSON { a, r, q, agent = { id, status, capacity, load, conns, deadline } }
]]
local rcall = redis.call

--- @include "includes/presence"

local id = ARGV[2]
local k = ensure_agent(id, ARGV[5])
if ARGV[4] ~= '' then rcall('HSET', k, 'capacity', ARGV[4]) end
if ARGV[3] ~= '' then rcall('HSET', k, 'status', ARGV[3]) end
if ARGV[6] ~= '' then set_departments(id, ARGV[6]) end

-- Offline (set here or already): hand back every chat; a pending grace has nothing left to do.
-- A lowered capacity keeps the chats above it: the agent just receives nothing new.
if rcall('HGET', k, 'status') == 'offline' then
  requeue_agents({ id })
  clear_grace(id)
end
refresh_avail(id)
drain()
return finish({ agent = agent_view(id) })
