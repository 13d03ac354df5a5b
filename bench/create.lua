-- wrk script: POST a new Event Matcher Policy with a fresh name on every request.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  thread_id = id
end

request = function()
  counter = counter + 1
  local body = string.format('{"name": "bench %d-%d-%d", "action": "login"}', thread_id, counter, math.random(1, 1000000000))
  return wrk.format("POST", nil, {["Content-Type"] = "application/json"}, body)
end
