"""What the serving load benchmarks share: signed requests verified as a validator does, an
open-loop load run, and a watch on the server (its /health latency, and the resident memory,
open files and process count of the server with its provers)."""

import asyncio
import json
import statistics
import time

import httpx
import psutil
from _serve import request
from bittensor import http_auth
from bittensor.keyfiles import Keypair

from zkc.targets.subnet.query import check_answer

ALICE, BOB = Keypair.create_from_uri("//Alice"), Keypair.create_from_uri("//Bob")


async def send(client, url: str, circuit, doc: dict, started: float) -> dict:
    """One signed request; its status, latency, Retry-After, and whether the answer verifies."""
    body = json.dumps({"inputs": doc}).encode()
    headers = http_auth.sign(
        ALICE, method="POST", path="/prove", body=body, receiver_ss58=BOB.ss58_address
    )
    t0 = time.perf_counter()
    try:
        reply = await client.post(f"{url}/prove", content=body, headers=headers, timeout=300)
    except httpx.TransportError as exc:  # counted: a request lost is a figure, not a crash
        return {"at": round(t0 - started, 2), "status": f"lost ({type(exc).__name__})"}
    row = {
        "at": round(t0 - started, 2),
        "status": reply.status_code,
        "seconds": round(time.perf_counter() - t0, 3),
        "retry_after": reply.headers.get("retry-after"),
    }
    if reply.status_code == 200:
        arrays = circuit.inputs(doc)
        row["verified"] = bool(await asyncio.to_thread(check_answer, circuit, arrays, reply.json()))
    return row


def footprint(server: psutil.Process) -> dict:
    """Resident MB, open file descriptors and process count of the server with its children."""
    procs = [server, *server.children(recursive=True)]
    rss = fds = count = 0
    for p in procs:
        try:
            rss, fds, count = rss + p.memory_info().rss, fds + p.num_fds(), count + 1
        except psutil.NoSuchProcess:  # a prover that ended between listing and reading
            continue
    return {"rss_mb": round(rss / 2**20), "fds": fds, "processes": count}


async def watch(url: str, pid: int, stop: asyncio.Event, started: float) -> tuple[list, list]:
    """/health latencies (every 0.2 s) and the server's footprint (every 1 s)."""
    health, samples, tick = [], [], 0
    server = psutil.Process(pid)
    async with httpx.AsyncClient() as client:
        while not stop.is_set():
            t0 = time.perf_counter()
            await client.get(f"{url}/health", timeout=10)
            health.append(time.perf_counter() - t0)
            if tick % 5 == 0:
                at = round(time.perf_counter() - started, 1)
                samples.append({"at": at, **footprint(server)})
            tick += 1
            await asyncio.sleep(0.2)
    return health, samples


async def load_run(
    url: str, pid: int, circuit, rate: float, seconds: float, count: int | None = None
) -> dict:
    """Open-loop arrivals at `rate` per second for `seconds` (or `count` requests at once)."""
    stop, started = asyncio.Event(), time.perf_counter()
    watcher = asyncio.create_task(watch(url, pid, stop, started))
    async with httpx.AsyncClient(limits=httpx.Limits(max_connections=1000)) as client:
        tasks, i = [], 0
        if count is not None:
            tasks = [
                asyncio.create_task(send(client, url, circuit, request(circuit, 500 + k), started))
                for k in range(count)
            ]
        while count is None and time.perf_counter() - started < seconds:
            tasks.append(
                asyncio.create_task(send(client, url, circuit, request(circuit, i), started))
            )
            i += 1
            await asyncio.sleep(max(0.0, started + i / rate - time.perf_counter()))
        rows = await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - started
    stop.set()
    health, samples = await watcher
    return {"rows": rows, "elapsed": elapsed, "health": health, "rss": samples}


def back_to_back(circuit, n: int) -> float:
    """Mean seconds of `n` proofs one after another in this process (after one warm-up)."""
    circuit.artifact.prove(circuit.inputs(request(circuit, 999)), workers=1)
    times = []
    for i in range(n):
        start = time.perf_counter()
        circuit.artifact.prove(circuit.inputs(request(circuit, i)), workers=1)
        times.append(time.perf_counter() - start)
    return statistics.mean(times)
