--[[
  Route a conversation. Idempotent: an assigned one answers its agent, a queued one its
  position. A new one joins the tail (never ahead of those waiting), then the queue drains.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] conversation id

  Output: JSON { a, r, q, agent = agentId } or { a, r, q, pos = 1-based queue position }
]]
local rcall = redis.call

--- @include "includes/presence"

local conv = ARGV[2]
local owner = rcall('HGET', K_ASSIGN, conv)
if owner then return finish({ agent = owner }) end
local pos = rcall('LPOS', K_QUEUE, conv)
if pos then return finish({ pos = pos + 1 }) end

push_tail(conv)
drain()
owner = rcall('HGET', K_ASSIGN, conv)
if owner then return finish({ agent = owner }) end
return finish({ pos = rcall('LPOS', K_QUEUE, conv) + 1 })
