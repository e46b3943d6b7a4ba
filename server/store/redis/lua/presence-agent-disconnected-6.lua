--[[
  A socket of the agent disconnected from a server process. When none is left anywhere, the
  agent keeps status and chats until the grace deadline, which expire-grace then acts on.
  A process with no socket of the agent counted (a duplicate disconnect, or the process was
  declared dead meanwhile and its sockets already left) changes no count.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] agent id
  ARGV[3] process id
  ARGV[4] grace deadline, ms since epoch
  ARGV[5] capacity of an agent created by this call

  Output: JSON { id, status, capacity, load, conns, deadline }
]]
local rcall = redis.call

--- @include "includes/presence"

local id, pk = ARGV[2], pconns_key(ARGV[3])
ensure_agent(id, ARGV[5])
local left = rcall('HINCRBY', pk, id, -1)
if left <= 0 then rcall('HDEL', pk, id) end
if left >= 0 then add_conns(id, -1) end
-- An offline agent has nothing to hand back; an existing deadline is not pushed later.
start_grace(id, ARGV[4])
return cjson.encode(agent_view(id))
