--[[
  A server process is alive. Creates the pool's epoch when there is none (first start, or
  Redis came back empty) and declares dead every other process whose last beat is older
  than the cutoff: its sockets leave presence, and its agents left with no socket anywhere
  enter grace. A dead process leaves `procs` inside this script, so each is declared dead by
  exactly one caller.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] process id
  ARGV[3] now, ms since epoch (from Node, never Redis TIME, so a fake clock works)
  ARGV[4] cutoff: a process whose last beat is < this is dead
  ARGV[5] grace deadline for agents left with no socket
  ARGV[6] epoch to create when none exists

  Output: JSON { epoch, created, known, dead = { pid... }, graced = { agentId... } }
]]
local rcall = redis.call

--- @include "includes/presence"

local procs, epoch_key = PREFIX .. ':procs', PREFIX .. ':epoch'
local created = rcall('SET', epoch_key, ARGV[6], 'NX') ~= false
local known = rcall('ZSCORE', procs, ARGV[2]) ~= false
rcall('ZADD', procs, ARGV[3], ARGV[2])

local dead, graced = {}, {}
for _, pid in ipairs(rcall('ZRANGE', procs, '-inf', '(' .. ARGV[4], 'BYSCORE')) do
  rcall('ZREM', procs, pid)
  dead[#dead + 1] = pid
  for _, id in ipairs(drop_process(pid, ARGV[5])) do graced[#graced + 1] = id end
end
return cjson.encode({ epoch = rcall('GET', epoch_key), created = created, known = known, dead = dead, graced = graced })
