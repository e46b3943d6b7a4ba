--[[
  Move a conversation to an agent (online with free capacity) or, with '', to the front of
  the queue (ahead of the conversations of its priority); then drain (the freed slot may take
  the queue head, and a conversation sent to the queue may come straight back to an agent,
  possibly the same one). Sent to the queue with a department, it waits for that
  department's agents (until its overflow time) instead of the one it had.
  A queued conversation may be transferred too: to an agent, or to the queue front.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] conversation id
  ARGV[3] target agent id, '' for the queue
  ARGV[4] '1': above capacity (a lead taking it over for themself): the target may be away too,
          and its load may pass its capacity; '' otherwise
  ARGV[5] with '' as the target: department id it waits for from now on, '' to keep its own
  ARGV[6] with a department: when it stops binding the conversation, ms since epoch
  ARGV[7] the agent who must still hold the conversation (decided from an earlier read), ''
          for no check

  Output: JSON { a, r, q, from = agentId (absent when it was queued) }; `a` starts with the
  transfer itself when the target is an agent. Errors (checked in this order):
    -1 not_found          the conversation is neither assigned nor queued
    -5 holder_changed     ARGV[7] is given and is not the agent who holds it (or it is queued)
    -4 unknown_agent      the target agent does not exist
    -3 same_agent         the target already has it
    -2 agent_unavailable  the target is not online, has no free capacity or is in grace
                          (above capacity: is offline)
]]
local rcall = redis.call

--- @include "includes/presence"

local conv, to, above = ARGV[2], ARGV[3], ARGV[4] == '1'
local from = rcall('HGET', K_ASSIGN, conv)
local qpos = false
if not from then
  qpos = rcall('LPOS', K_QUEUE, conv)
  if not qpos then return -1 end
end
if ARGV[7] ~= '' and from ~= ARGV[7] then return -5 end

if to ~= '' then
  if rcall('SISMEMBER', K_AGENTS, to) == 0 then return -4 end
  if from == to then return -3 end
  if above then
    if rcall('HGET', agent_key(to), 'status') == 'offline' then return -2 end
  elseif not routable(to) then
    return -2
  end
  if from then
    unassign(conv, from)
  else
    rcall('LREM', K_QUEUE, 1, conv)
    step.queue_changed = true
  end
  assign(conv, to)
else
  if ARGV[5] ~= '' then
    rcall('HSET', conv_key(conv), 'dept', ARGV[5])
    rcall('ZADD', K_OVERFLOW, ARGV[6], conv)
  end
  if from then
    unassign(conv, from)
    push_front(conv)
    step.requeued[#step.requeued + 1] = { conv, from }
  elseif ARGV[5] ~= '' or qpos > 0 then
    -- Already queued: to the front of its priority (a lead's way to prioritise it).
    rcall('LREM', K_QUEUE, 1, conv)
    push_front(conv)
    step.pushed[conv] = nil
    step.queue_changed = true
  end
end
drain()
return finish({ from = from or nil })
