--[[
  Fixed-window rate limit: count a hit; the first hit of a window starts its expiry.

  KEYS[1] the counter, <prefix>:rl:<key>
  ARGV[1] window length, ms

  Output: integer, hits in the current window including this one
]]
local rcall = redis.call
local hits = rcall('INCR', KEYS[1])
if hits == 1 then rcall('PEXPIRE', KEYS[1], ARGV[1]) end
return hits
