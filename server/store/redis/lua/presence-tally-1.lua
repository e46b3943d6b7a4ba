--[[
  Count assignments in the site's tally, the recent assignment rate behind the estimated wait
  shown to queued visitors: one hash field per minute. Minutes older than `keep` are dropped in
  the same step, so the hash holds about keep / 60 s fields, and the key expires when nothing
  is tallied for that long. Not part of any routing decision.

  KEYS[1] <p>:tally, hash: minute (floor(ms since epoch / 60000)) -> assignments made in it
  ARGV[1] assignments to add (a positive integer)
  ARGV[2] now, ms since epoch
  ARGV[3] keep, ms (positive)

  Output: 0
]]
local rcall = redis.call
local now = tonumber(ARGV[2])
local minute = math.floor(now / 60000)
local oldest = math.floor((now - tonumber(ARGV[3])) / 60000)
rcall('HINCRBY', KEYS[1], string.format('%d', minute), ARGV[1])
for _, m in ipairs(rcall('HKEYS', KEYS[1])) do
  if tonumber(m) < oldest then rcall('HDEL', KEYS[1], m) end
end
rcall('PEXPIRE', KEYS[1], ARGV[3])
return 0
