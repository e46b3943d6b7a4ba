--[[
  Fixed-window rate limits, several keys in one call (a visitor message is limited per
  visitor and per IP): count a hit on each key in turn; the first hit of a window starts
  its expiry. Stops at the first key over its limit, so later keys are not charged for a
  refused hit, as separate calls would not have been.

  KEYS[i]        counter i, <prefix>:rl:<key>; as many as the call passes (the `-n` of the name)
  ARGV[2i - 1]   window length of counter i, ms
  ARGV[2i]       hits allowed in a window of counter i

  Output: 0 when every key is within its limit, else the (1-based) index of the first over it
]]
local rcall = redis.call
for i = 1, #KEYS do
  local hits = rcall('INCR', KEYS[i])
  if hits == 1 then rcall('PEXPIRE', KEYS[i], ARGV[2 * i - 1]) end
  if hits > tonumber(ARGV[2 * i]) then return i end
end
return 0
