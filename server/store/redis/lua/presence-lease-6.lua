--[[
  Take or renew a lease, so one process at a time runs a periodic task (the repair).

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua; unused but
             named so the lease shares the pool's hash slot and prefix)
  ARGV[1] key prefix
  ARGV[2] lease name
  ARGV[3] holder (process id)
  ARGV[4] now, ms since epoch
  ARGV[5] duration, ms

  Output: 1 when the holder holds the lease until now + duration, 0 when another holds it
]]
local rcall = redis.call

--- @include "includes/presence"

local k = PREFIX .. ':lease:' .. ARGV[2]
local h = rcall('HMGET', k, 'holder', 'until')
if h[1] and h[1] ~= ARGV[3] and tonumber(h[2]) > tonumber(ARGV[4]) then return 0 end
rcall('HSET', k, 'holder', ARGV[3], 'until', tonumber(ARGV[4]) + tonumber(ARGV[5]))
return 1
