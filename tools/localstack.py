"""A local stack of its own for a script: moto (one request at a time) and `fingertip-cli up`
(tables, demo data, the WeChat sandbox, the API) on the ports given, with a table prefix of
the script's, so `make run` may keep running beside it. Used by tools/invoke-all.py and
tools/bench/run.py.
"""

import os
import pathlib
import signal
import socket
import subprocess
import sys
import time

ROOT = pathlib.Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv" / "bin"

children = []


def environment(ports, prefix):
    """The settings the stack and the functions share: where moto, the sandbox and the API are."""
    env = dict(os.environ)
    env.update({
        "AWS_ENDPOINT_URL_DYNAMODB": f"http://127.0.0.1:{ports['moto']}",
        "WECHAT_API_BASE": f"http://127.0.0.1:{ports['sandbox']}",
        "FINGERTIP_TABLE_PREFIX": prefix,
        "FINGERTIP_API_ADDR": f"127.0.0.1:{ports['api']}",
        "FINGERTIP_SANDBOX_ADDR": f"127.0.0.1:{ports['sandbox']}",
        # The WeChat samples are signed at a fixed time; accept it for this run only.
        "WECHAT_TIMESTAMP_WINDOW_S": "2000000000",
    })
    return env


def start(args, log, env):
    p = subprocess.Popen(args, cwd=ROOT, env=env, stdout=open(ROOT / "target" / log, "w"),
                         stderr=subprocess.STDOUT, start_new_session=True)
    children.append(p)
    return p


def stop():
    for p in reversed(children):
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in children:
        try:
            p.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def listening(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def wait_for(port, what, seconds):
    deadline = time.time() + seconds
    while time.time() < deadline:
        if listening(port):
            return
        time.sleep(0.2)
    sys.exit(f"{what} did not start on port {port}; see target/*.log")


def up(cli, ports, env, logs, stack_env=None):
    """moto, then `fingertip-cli up` (which creates the tables and seeds them) on `ports`;
    `stack_env`, when given, is the stack's alone (a shifted clock, say)."""
    (ROOT / "target").mkdir(exist_ok=True)
    start([str(VENV / "python"), "tools/moto-server.py", "-H", "127.0.0.1", "-p", str(ports["moto"])],
          f"{logs}-moto.log", env)
    wait_for(ports["moto"], "moto", 30)
    start([str(cli), "up"], f"{logs}-stack.log", stack_env or env)
    wait_for(ports["api"], "the local stack", 120)
