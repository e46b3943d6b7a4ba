--[[
  Recompute every agent's load from its conversation zset and repair the hash and its
  `avail` membership/score. Does not drain: its result carries no PoolChange to notify,
  so the next step that drains picks up any capacity a repair revealed.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix

  Output: integer, the number of agents repaired (0 when consistent)
]]
local rcall = redis.call

--- @include "includes/presence"

local repaired = 0
for _, id in ipairs(rcall('SMEMBERS', K_AGENTS)) do
  local k = agent_key(id)
  local load = rcall('ZCARD', convs_key(id))
  local fixed = tonumber(rcall('HGET', k, 'load')) ~= load
  if fixed then rcall('HSET', k, 'load', load) end
  local score, ratio = rcall('ZSCORE', K_AVAIL, id), routable(id)
  if ratio then
    fixed = fixed or tonumber(score) ~= ratio
  else
    fixed = fixed or score ~= false
  end
  refresh_avail(id)
  if fixed then repaired = repaired + 1 end
end
return repaired
