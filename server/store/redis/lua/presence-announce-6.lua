--[[
  Replaces the sockets counted for a server process by the ones it holds now (after the pool
  forgot the process: it was declared dead while alive, or Redis came back empty). Agents it
  no longer holds may enter grace; agents it holds are created from their defaults when
  unknown and lose any grace deadline. Then drains.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] process id
  ARGV[3] grace deadline for agents left with no socket
  ARGV[4] JSON [[agentId, connections, status, capacity, departments]...]; departments (an
          array of ids, replacing the agent's) may be left out

  Output: JSON { a, r, q }
]]
local rcall = redis.call

--- @include "includes/presence"

local pid = ARGV[2]
drop_process(pid, ARGV[3])
-- drop_process may have started the grace of an agent held again: clear_grace ends it.
for _, x in ipairs(cjson.decode(ARGV[4])) do
  local id = x[1]
  ensure_agent(id, x[4], x[3])
  if x[5] then set_departments(id, cjson.encode(x[5])) end
  rcall('HSET', pconns_key(pid), id, x[2])
  add_conns(id, x[2])
  clear_grace(id)
end
drain()
return finish()
