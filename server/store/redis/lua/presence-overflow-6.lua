--[[
  Every conversation whose department stopped binding it (its overflow time is <= now) may
  now go to any agent: its department is dropped in the pool, then the queue drains. The
  conversation leaves `overflow` inside this script, so concurrent callers act on it once.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] now, ms since epoch (from Node, never Redis TIME, so a fake clock works)

  Output: JSON { a, r, q, overflowed = { convId... } } in overflow-time order (those still
  queued or assigned)
]]
local rcall = redis.call

--- @include "includes/presence"

local due = rcall('ZRANGE', K_OVERFLOW, '-inf', ARGV[2], 'BYSCORE')
for _, conv in ipairs(due) do
  rcall('ZREM', K_OVERFLOW, conv)
  rcall('HSET', conv_key(conv), 'dept', '')
end
drain()
return finish({ overflowed = due })
