--[[
  Remove a (closed) conversation from its agent or from the queue, then drain.
  Releasing an unknown conversation changes nothing.
  lib.lua is prepended by the loader (helpers, key layout).

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see lib.lua)
  ARGV[1] key prefix
  ARGV[2] conversation id

  Output: JSON { a, r, q, agent = agentId it was assigned to (absent when none) }
]]
local rcall = redis.call
local conv = ARGV[2]
local owner = rcall('HGET', K_ASSIGN, conv)
if owner then
  unassign(conv, owner)
elseif rcall('LREM', K_QUEUE, 1, conv) > 0 then
  step.queue_changed = true
end
drain()
return finish({ agent = owner or nil })
