"""A discord.py client process for the proxy's tests and benchmark.

Points discord.py at a REST proxy the way its users do (``discord.http.Route.BASE``),
logs in with the bot token, then sends the given requests all at once and lets
discord.py pace them by its own rules. Reads one JSON object from argv[1]:
``{"base": "http://127.0.0.1:PORT/api/v10", "token": "...", "jobs": [{"method": "PUT", "path": "/guilds/..."}]}``,
optionally with ``"start_at"`` (epoch ms): the jobs wait for it after the login, so
several processes start together whatever their start-up time,
and prints ``{"statuses": {"204": n, ...}, "errors": [...]}`` on stdout: the HTTP
status of every answer (Discord errors included) and any failure without one.
"""
import asyncio
import json
import sys
import time

import discord
import discord.http


async def main(spec):
    discord.http.Route.BASE = spec["base"]
    http = discord.http.HTTPClient(asyncio.get_running_loop())
    await http.static_login(spec["token"])
    if "start_at" in spec:
        await asyncio.sleep(max(0.0, spec["start_at"] / 1000 - time.time()))
    results = {"statuses": {}, "errors": []}

    def count(status):
        results["statuses"][str(status)] = results["statuses"].get(str(status), 0) + 1

    async def send(job):
        try:
            await http.request(discord.http.Route(job["method"], job["path"]))
            count(200 if job["method"] == "GET" else 204)
        except discord.HTTPException as error:
            count(error.status)
        except Exception as error:  # every failure is reported to the test, which asserts on it
            results["errors"].append(f"{type(error).__name__}: {error}")

    try:
        await asyncio.gather(*(send(job) for job in spec["jobs"]))
    finally:
        await http.close()
    print(json.dumps(results))


if __name__ == "__main__":
    asyncio.run(main(json.loads(sys.argv[1])))
