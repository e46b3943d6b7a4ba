--[[
  Ends a reservation of rate-limit-reserve-n.lua on each key and, when the work counted
  (a failed login), charges each counter one hit, the first hit of a window starting its
  expiry as in rate-limit-hit-n.lua. Every key is charged: the limits were checked when
  the reservation was made.

  KEYS[2i - 1]   counter i, <prefix>:rl:<key>
  KEYS[2i]       open reservations on counter i, <prefix>:rl-reserved:<key>
  ARGV[1]        1 when the work counts, else 0
  ARGV[i + 1]    window length of counter i, ms

  Output: 0
]]
local rcall = redis.call
for i = 1, #KEYS / 2 do
  -- Never below 0: a reservation that lapsed is not taken back from later ones twice.
  if tonumber(rcall('GET', KEYS[2 * i]) or '0') > 0 then rcall('DECR', KEYS[2 * i]) end
  if ARGV[1] == '1' then
    local hits = rcall('INCR', KEYS[2 * i - 1])
    if hits == 1 then rcall('PEXPIRE', KEYS[2 * i - 1], ARGV[i + 1]) end
  end
end
return 0
