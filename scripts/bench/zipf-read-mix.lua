-- wrk script: a read mix whose keys follow a Zipf distribution (a few hot articles, a long tail),
-- with a share of requests authenticated. Inputs (environment):
--   SLUGS   file with one slug per line, most popular first
--   TAGS    file with one tag per line
--   USERS   file with one username per line
--   TOKENS  file with one token per line
--   AUTH_SHARE  fraction of requests sent with a token (default 0.3)
local function lines(path)
  local t = {}
  for line in io.lines(path) do t[#t + 1] = line end
  return t
end

local slugs, tags, users, tokens
local auth_share = tonumber(os.getenv("AUTH_SHARE") or "0.3")

-- cumulative Zipf weights (s = 1.1) over n items, sampled by binary search
local function zipf(n)
  local cdf, sum = {}, 0
  for k = 1, n do sum = sum + 1 / (k ^ 1.1); cdf[k] = sum end
  for k = 1, n do cdf[k] = cdf[k] / sum end
  return function()
    local u, lo, hi = math.random(), 1, n
    while lo < hi do
      local mid = math.floor((lo + hi) / 2)
      if cdf[mid] < u then lo = mid + 1 else hi = mid end
    end
    return lo
  end
end

local pick_slug, pick_tag, pick_user, pick_page

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
  slugs = lines(os.getenv("SLUGS"))
  tags = lines(os.getenv("TAGS"))
  users = lines(os.getenv("USERS"))
  tokens = lines(os.getenv("TOKENS"))
  pick_slug, pick_tag, pick_user, pick_page = zipf(#slugs), zipf(#tags), zipf(#users), zipf(50)
end

function request()
  local r, path = math.random(), nil
  if r < 0.45 then
    path = "/api/articles/" .. slugs[pick_slug()]
  elseif r < 0.65 then
    path = "/api/articles?limit=20&offset=" .. ((pick_page() - 1) * 20)
  elseif r < 0.80 then
    path = "/api/articles?limit=20&tag=" .. tags[pick_tag()]
  elseif r < 0.90 then
    path = "/api/profiles/" .. users[pick_user()]
  elseif r < 0.95 then
    path = "/api/articles/" .. slugs[pick_slug()] .. "/comments"
  else
    path = "/api/tags"
  end
  local headers = {}
  if math.random() < auth_share then
    headers["Authorization"] = "Token " .. tokens[math.random(#tokens)]
  end
  return wrk.format("GET", path, headers)
end
