-- wrk script: POST a new Event Matcher Policy with a fresh name on every request.
local counter = 0
local thread_id = 0
local threads = {}

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

-- args[1]: what sets this load's names apart from another wrk's (one per replica).
local tag = ""

function init(args)
  thread_id = id
  tag = args[1] or ""
end

-- wrk.format's headers replace wrk.headers (the -H flags, with the token): copy them in.
local headers = {}

request = function()
  if next(headers) == nil then
    for name, value in pairs(wrk.headers) do headers[name] = value end
    headers["Content-Type"] = "application/json"
  end
  counter = counter + 1
  local body = string.format('{"name": "bench %s%d-%d-%d", "action": "login"}', tag, thread_id, counter, math.random(1, 1000000000))
  return wrk.format("POST", nil, headers, body)
end
