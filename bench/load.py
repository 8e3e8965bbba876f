"""The load generator: a separate process that sends HTTP requests and times them.

It imports nothing from frontdesk and runs no Django, so it never competes with the server for
the same interpreter lock. run.py starts it with a plan on stdin (JSON) and reads the
measurements on stdout (JSON):

    plan:    {"port": 8123, "operations": [{"name", "method", "paths": [...], "headers", "bodies": [...]?,
              "expect": 200, "concurrency": 8, "requests": 400, "seconds": 10, "timeout": 30?}, ...]}
    answer:  [{"name", "concurrency", "latencies_ms": [...], "seconds", "errors", "first_error", "bytes"}, ...]

`timeout` (seconds, default 30) is how long one request may take: an export queued behind seven
others takes minutes. `bytes` is the size of the largest answer read.

Each worker thread keeps one connection open (keep-alive) and takes the next request number
from a shared counter until the operation's request count or time budget is used up. Request
number i uses paths[i % len(paths)] (and bodies[i % len(bodies)]), so a run can spread over
many orders instead of asking for the same one again and again.
"""

import http.client
import itertools
import json
import sys
import threading
import time


def run_operation(port: int, operation: dict) -> dict:
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + operation["seconds"]
    paths, bodies = operation["paths"], operation.get("bodies")
    total = operation["requests"]
    timeout = operation.get("timeout", 30)
    largest = [0]

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
        mine: list[float] = []
        while time.monotonic() < deadline:
            with lock:
                i = next(counter)
            if i >= total:
                break
            body = None if bodies is None else json.dumps(bodies[i % len(bodies)]).encode()
            headers = dict(operation.get("headers", {}))
            if body is not None:
                headers["Content-Type"] = "application/json"
            began = time.perf_counter()
            try:
                connection.request(operation["method"], paths[i % len(paths)], body=body, headers=headers)
                response = connection.getresponse()
                content = response.read()
            except (OSError, http.client.HTTPException) as error:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
                with lock:
                    errors.append(f"{type(error).__name__}: {error}")
                continue
            elapsed = (time.perf_counter() - began) * 1000
            if response.status != operation["expect"]:
                with lock:
                    errors.append(f"HTTP {response.status} {paths[i % len(paths)]}: {content[:300].decode(errors='replace')}")
                continue
            mine.append(elapsed)
            with lock:
                largest[0] = max(largest[0], len(content))
        connection.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=worker) for _ in range(operation["concurrency"])]
    began = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return {
        "name": operation["name"],
        "concurrency": operation["concurrency"],
        "latencies_ms": latencies,
        "seconds": time.perf_counter() - began,
        "errors": len(errors),
        "first_error": errors[0] if errors else None,
        "bytes": largest[0],
    }


def main() -> int:
    plan = json.load(sys.stdin)
    results = [run_operation(plan["port"], operation) for operation in plan["operations"]]
    json.dump(results, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
