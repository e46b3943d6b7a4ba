--[[
  Reserves one attempt on each of several rate-limit keys, for work whose outcome decides
  whether it counts (a login: only failures do). All or nothing: refused, reserving none,
  when on some key the hits counted so far plus the open reservations reach its limit.
  A reservation is ended by rate-limit-settle-n.lua; the reservations' key expires
  ARGV[n + 1] ms after the latest one, so those of a process that died lapse.

  KEYS[2i - 1]   counter i, <prefix>:rl:<key> (as rate-limit-hit-n.lua counts it)
  KEYS[2i]       open reservations on counter i, <prefix>:rl-reserved:<key>
  ARGV[i]        hits allowed in a window of counter i
  ARGV[n + 1]    lifetime of a reservation that is never settled, ms (n = #KEYS / 2)

  Output: { 0, 0 } when reserved; else { i, ms }: the (1-based) index of the first key at its
  limit and the ms until its window ends, or 0 when open reservations alone filled it
]]
local rcall = redis.call
local n = #KEYS / 2
for i = 1, n do
  local limit = tonumber(ARGV[i])
  local hits = tonumber(rcall('GET', KEYS[2 * i - 1]) or '0')
  local open = tonumber(rcall('GET', KEYS[2 * i]) or '0')
  if hits + open >= limit then
    if hits < limit then return { i, 0 } end
    return { i, math.max(rcall('PTTL', KEYS[2 * i - 1]), 0) }
  end
end
for i = 1, n do
  rcall('INCR', KEYS[2 * i])
  rcall('PEXPIRE', KEYS[2 * i], ARGV[n + 1])
end
return { 0, 0 }
