--[[
  Remove a (closed) conversation from its agent or from the queue, with its priority and
  department, then drain. Releasing an unknown conversation changes nothing.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] conversation id

  Output: JSON { a, r, q, agent = agentId it was assigned to (absent when none) }
]]
local rcall = redis.call

--- @include "includes/presence"

local conv = ARGV[2]
local owner = rcall('HGET', K_ASSIGN, conv)
if owner then
  unassign(conv, owner)
elseif rcall('LREM', K_QUEUE, 1, conv) > 0 then
  step.queue_changed = true
end
forget_conv(conv)
drain()
return finish({ agent = owner or nil })
