"""Hostile clients for bench/hostile.sh: idle connections, slowloris headers, slow bodies.

Usage: python3 Attackers.py PORT IDLE SLOWLORIS SLOW_BODIES SECONDS
Holds IDLE connections that send nothing, SLOWLORIS that send a header byte every 5 s, and
SLOW_BODIES that send a body byte every 5 s to /function/noop, reconnecting whatever the gateway
closes, for SECONDS; prints how many connections it opened and how many the gateway closed.
"""
import asyncio, sys

port, idle, slowloris, slow_bodies, seconds = (int(a) for a in sys.argv[1:6])
opened = closed = refused = 0

async def hold(kind):
    global opened, closed, refused
    loop = asyncio.get_running_loop()
    deadline = loop.time() + seconds
    while loop.time() < deadline:
        try:
            reader, writer = await asyncio.open_connection("127.0.0.1", port)
        except OSError:
            refused += 1
            await asyncio.sleep(1)
            continue
        opened += 1
        try:
            if kind == "body":
                writer.write(b"POST /function/noop HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n")
            elif kind == "loris":
                writer.write(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
            await writer.drain()
            while loop.time() < deadline:
                done = asyncio.ensure_future(reader.read(1))
                finished, _ = await asyncio.wait({done}, timeout=5)
                if finished:
                    break  # closed by the gateway (or answered, which for these means the same)
                done.cancel()
                writer.write(b"x" if kind == "body" else b"X-A: b\r\n" if kind == "loris" else b"")
                await writer.drain()
            closed += 1
        except OSError:
            closed += 1
        finally:
            writer.close()

async def main():
    tasks = [hold("idle") for _ in range(idle)] + [hold("loris") for _ in range(slowloris)] \
        + [hold("body") for _ in range(slow_bodies)]
    await asyncio.gather(*tasks)
    print(f"attackers: {opened} connections opened, {closed} closed by the gateway, {refused} refused")

asyncio.run(main())
