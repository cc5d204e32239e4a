-- wrk script: a RealWorld read mix over the articles seeded by core-footprint.sh.
-- Paths are read from the file named by the SLUGS environment variable (one slug per line).
local slugs = {}
local file = io.open(os.getenv("SLUGS") or "slugs.txt", "r")
for line in file:lines() do slugs[#slugs + 1] = line end
file:close()

local paths = {
  function() return "/api/articles?limit=20" end,
  function() return "/api/articles?limit=20&offset=20" end,
  function() return "/api/articles?tag=bench" end,
  function() return "/api/tags" end,
  function() return "/api/articles/" .. slugs[math.random(#slugs)] end,
  function() return "/api/articles/" .. slugs[math.random(#slugs)] .. "/comments" end,
}

request = function()
  return wrk.format("GET", paths[math.random(#paths)]())
end
