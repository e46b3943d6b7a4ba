--[[
  Puts the store's open conversations back into a pool that lost them. Each conversation the
  pool neither assigns nor queues goes back to its agent (not reported as a new assignment)
  unless that agent is offline, else to the tail of the queue, in the given order. Agents are
  created from their defaults when unknown; restored agents with no socket enter grace. Then
  drains. Running it again changes nothing.

  KEYS[1..6] agents, avail, queue, assign, grace, seq (see includes/presence.lua)
  ARGV[1] key prefix
  ARGV[2] grace deadline for restored agents with no socket
  ARGV[3] JSON { agents = [[agentId, status, capacity, departments?]...],
                 convs = [[convId, agentId or '', priority, departmentId or '', overflowAt]...] }
          (a conversation's priority and department as route takes them; departments, an
          array of ids, replace the agent's when given)

  Output: JSON { a, r, q, restored = number of conversations put back }
]]
local rcall = redis.call

--- @include "includes/presence"

local s = cjson.decode(ARGV[3])
for _, x in ipairs(s.agents) do
  ensure_agent(x[1], x[3], x[2])
  if x[4] then set_departments(x[1], cjson.encode(x[4])) end
end
local restored = 0
for _, x in ipairs(s.convs) do
  local conv, id = x[1], x[2]
  if not rcall('HGET', K_ASSIGN, conv) and not rcall('LPOS', K_QUEUE, conv) then
    restored = restored + 1
    describe_conv(conv, tostring(x[3] or ''), x[4] or '', x[5] or 0)
    if id ~= '' and rcall('SISMEMBER', K_AGENTS, id) == 1 and rcall('HGET', agent_key(id), 'status') ~= 'offline' then
      assign(conv, id, true)
    else
      push_tail(conv)
      if id ~= '' then step.requeued[#step.requeued + 1] = { conv, id } end
    end
  end
end
for _, x in ipairs(s.agents) do start_grace(x[1], ARGV[2]) end
drain()
return finish({ restored = restored })
