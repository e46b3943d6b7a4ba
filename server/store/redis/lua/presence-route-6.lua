--[[
  Route a conversation. Idempotent: an assigned one answers its agent, a queued one its
  position (its priority and department stay as first given). A new one joins the queue
  behind every conversation of its priority or higher (never ahead of those waiting at its
  priority), then the queue drains.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] conversation id
  ARGV[3] priority (integer, higher goes first; '' = 0)
  ARGV[4] department id, '' for any agent
  ARGV[5] when the department stops binding it, ms since epoch (ignored without one)

  Output: JSON { a, r, q, agent = agentId } or { a, r, q, pos = 1-based queue position }
]]
local rcall = redis.call

--- @include "includes/presence"

local conv = ARGV[2]
local owner = rcall('HGET', K_ASSIGN, conv)
if owner then return finish({ agent = owner }) end
local pos = rcall('LPOS', K_QUEUE, conv)
if pos then return finish({ pos = pos + 1 }) end

describe_conv(conv, ARGV[3], ARGV[4], ARGV[5])
push_tail(conv)
drain()
owner = rcall('HGET', K_ASSIGN, conv)
if owner then return finish({ agent = owner }) end
return finish({ pos = rcall('LPOS', K_QUEUE, conv) + 1 })
