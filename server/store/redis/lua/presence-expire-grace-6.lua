--[[
  Expire every agent whose grace deadline is <= now and who has no connection: set it
  offline, requeue its chats at the front (oldest assignment first), drain. The deadline
  leaves `grace` inside this script, so concurrent callers expire each agent once.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] now, ms since epoch (from Node, never Redis TIME, so a fake clock works)

  Output: JSON { a, r, q, expired = { agentId... } } in deadline order
]]
local rcall = redis.call

--- @include "includes/presence"

local expired = {}
for _, id in ipairs(rcall('ZRANGE', K_GRACE, '-inf', ARGV[2], 'BYSCORE')) do
  clear_grace(id)
  local k = agent_key(id)
  if (tonumber(rcall('HGET', k, 'conns')) or 0) == 0 then
    rcall('HSET', k, 'status', 'offline')
    expired[#expired + 1] = id
  end
end
-- All are offline before anything is requeued, so drain cannot hand chats back to them.
requeue_agents(expired)
drain()
return finish({ expired = expired })
