--[[
  Set a conversation's priority (a complaint registered, a customer tier proven). A queued
  one moves to its place among the new priority's conversations by when it arrived: ahead of
  those that arrived after it. Then drains.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] conversation id
  ARGV[3] priority (integer, higher goes first)

  Output: JSON { a, r, q, found = false when the pool neither assigns nor queues it (nothing
  changed) }
]]
local rcall = redis.call

--- @include "includes/presence"

local conv, pri = ARGV[2], tonumber(ARGV[3])
local queued = rcall('LPOS', K_QUEUE, conv)
if not queued and not rcall('HGET', K_ASSIGN, conv) then return finish({ found = false }) end
local k = conv_key(conv)
if tonumber(rcall('HGET', k, 'pri')) ~= pri then
  rcall('HSET', k, 'pri', pri)
  if queued then
    rcall('LREM', K_QUEUE, 1, conv)
    queue_insert(conv)
    if rcall('LPOS', K_QUEUE, conv) ~= queued then step.queue_changed = true end
  end
end
drain()
return finish({ found = true })
