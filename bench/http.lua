-- bench/http.lua — the wrk script of bench/http.sh (see there); not run by
-- itself. Every request carries the session cookie; at the end it prints one
-- machine-readable line for the shell script:
--
--   wrk -c64 -d15s -s bench/http.lua http://127.0.0.1:18432/readyz -- get "$cookie"
--   wrk ... -s bench/http.lua "$base" -- page "$cookie" ids.txt
--   wrk ... -s bench/http.lua "$base" -- visit "$cookie" ids.txt CSRF OFFICER DATE
--
-- Modes:
--   get    GET the URL as given (path and query)
--   page   GET /enterprises/<id>, cycling through the ids in the file (one a line)
--   visit  POST /enterprises/<id>/visits: a routine visit by OFFICER (user
--          id) on DATE, with the session's CSRF token and a fresh 32-hex
--          form_token per request (random bits, the thread and a counter), so that
--          every request writes a visit; the answer is a 303
--
-- Output: "RESULT requests duration_us p50_us p99_us mean_us status_errors
-- connect_errors read_errors write_errors timeouts" (status errors: answers
-- with a status above 399, as wrk counts them).

local thread_count = 0

function setup(thread)
  thread:set("tid", thread_count)
  thread_count = thread_count + 1
end

local function urlencode(s)
  return (s:gsub("[^%w%-_%.~]", function(c)
    return string.format("%%%02X", string.byte(c))
  end))
end

local function read_ids(file)
  local ids = {}
  for line in io.lines(file) do
    local id = line:match("^%s*(%d+)%s*$")
    if id then ids[#ids + 1] = id end
  end
  assert(#ids > 0, "no ids in " .. file)
  return ids
end

-- 31 random bits from the system (each wrk run and thread differs).
local function random31()
  local f = assert(io.open("/dev/urandom", "rb"))
  local b = f:read(4)
  f:close()
  local n = 0
  for k = 1, 4 do n = n * 256 + b:byte(k) end
  return n % 0x7fffffff
end

local make

function init(args)
  local mode, cookie = args[1], args[2]
  if cookie ~= nil and cookie ~= "" then wrk.headers["Cookie"] = cookie end
  -- `tid` is set by setup() in this thread's state; start each thread at a
  -- different place in the id list.
  local me = tid or 0
  if mode == "get" then
    local req = wrk.format("GET")
    make = function() return req end
  elseif mode == "page" then
    local ids = read_ids(args[3])
    local i = (me * 7919) % #ids
    make = function()
      i = i % #ids + 1
      return wrk.format("GET", "/enterprises/" .. ids[i])
    end
  elseif mode == "visit" then
    local ids = read_ids(args[3])
    local csrf, officer, date = args[4], args[5], args[6]
    local nonce = random31()
    math.randomseed(nonce + me)
    local notes = urlencode("例行走访：检查消防通道、值班记录，宣传安全生产知识。")
    local fixed = "&visited_on=" .. date .. "&kind=routine&officers=" .. officer
      .. "&notes=" .. notes .. "&suggestions="
    for n = 1, 3 do
      fixed = fixed .. "&hazard" .. n .. "_severity=&hazard" .. n .. "_description=&hazard"
        .. n .. "_deadline="
    end
    local headers = {
      ["Content-Type"] = "application/x-www-form-urlencoded",
      ["Cookie"] = cookie,
    }
    local i = (me * 7919) % #ids
    local counter = 0
    make = function()
      i = i % #ids + 1
      counter = counter + 1
      local token = string.format("%08x%08x%08x%08x", nonce, me, counter,
        math.random(0, 0x7fffffff))
      local body = "csrf=" .. csrf .. "&form_token=" .. token .. fixed
      return wrk.format("POST", "/enterprises/" .. ids[i] .. "/visits", headers, body)
    end
  else
    error("unknown mode " .. tostring(mode))
  end
end

function request()
  return make()
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f %.0f\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    latency.mean, e.status, e.connect, e.read, e.write, e.timeout))
end
