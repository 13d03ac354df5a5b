-- wrk script: a new list query on most requests, as a frontend sends them: a search term,
-- an ordering (one field or several, either way), filters and a page size, drawn per request.
local fields = {"name", "action", "app", "model", "client_ip", "pk", "execution_logging"}
local actions = {"login", "logout", "model_created", "model_updated", "model_deleted",
                 "authorize_application", "configuration_error", "secret_view"}
local apps = {"authentik.core", "authentik.flows", "authentik.events", "authentik.policies"}
local letters = "abcdefghijklmnopqrstuvwxyz"

local function word()
  local length = math.random(2, 5)
  local out = {}
  for i = 1, length do
    local at = math.random(1, #letters)
    out[i] = letters:sub(at, at)
  end
  return table.concat(out)
end

local function ordering()
  local picked = {}
  for i = 1, math.random(1, 3) do
    local field = fields[math.random(1, #fields)]
    if math.random() < 0.5 then field = "-" .. field end
    picked[i] = field
  end
  return table.concat(picked, ",")
end

request = function()
  local query = {"page_size=" .. math.random(5, 100)}
  if math.random() < 0.6 then table.insert(query, "search=" .. word()) end
  if math.random() < 0.7 then table.insert(query, "ordering=" .. ordering()) end
  if math.random() < 0.4 then table.insert(query, "action=" .. actions[math.random(1, #actions)]) end
  if math.random() < 0.3 then table.insert(query, "app=" .. apps[math.random(1, #apps)]) end
  if math.random() < 0.2 then table.insert(query, "page=" .. math.random(1, 3)) end
  return wrk.format("GET", wrk.path .. "?" .. table.concat(query, "&"))
end
