"""make invoke-all: every sample event in events/ through its function's real binary, the way
AWS runs it: `cargo lambda watch` serves the Lambda Runtime API and `cargo lambda invoke`
sends the event. The functions talk to a moto server and the WeChat sandbox that
`fingertip-cli up` starts on ports of their own, so `make run` may keep running.

The samples name placeholder ids and tokens; each is filled in from the answers before it
(a login gives the token, a booking its id), in the order tests/events.rs uses. Every
answer's status is checked. The real binaries read the real clock, so two samples that only
work on the day of a visit are expected to be refused unless the visit is today: check-in
(409 `INVALID_TRANSITION`, only on the booking's day) and rating the visit (422
`NOT_EVALUABLE`, not checked in).
"""

import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import urllib.request

from localstack import ROOT, VENV, environment, start, stop, up, wait_for

CLI = ROOT / "target" / "debug" / "fingertip-cli"
PORTS = {"moto": 8110, "api": 3110, "sandbox": 3111, "runtime": 9110}
ENV = environment(PORTS, f"invoke{os.getpid()}-")


def sample(name):
    return json.loads((ROOT / "events" / f"{name}.json").read_text())


def invoke(function, event):
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as f:
        json.dump(event, f, ensure_ascii=False)
    for attempt in range(3):
        out = subprocess.run(
            [str(VENV / "cargo-lambda"), "lambda", "invoke", function, "--data-file", f.name,
             "-A", "127.0.0.1", "-P", str(PORTS["runtime"]), "-o", "json"],
            cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=900)
        if out.returncode == 0:
            return json.loads(out.stdout)
        time.sleep(2)
    sys.exit(f"invoking {function}: {out.stderr.strip()}")


class Run:
    def __init__(self):
        self.driven = []
        self.failures = []

    def call(self, name, function=None, token=None, path=None, query=None, body=None,
             expect=(200,), drop_idempotency=False):
        event = sample(name)
        function = function or next(f for f in FUNCTIONS if name.startswith(f + "-"))
        if "routeKey" in event:
            headers = event.setdefault("headers", {})
            if token:
                headers["authorization"] = f"Bearer {token}"
            if drop_idempotency:
                headers.pop("idempotency-key", None)
            if path:
                event["pathParameters"] = {**(event.get("pathParameters") or {}), **path}
            if query:
                event["queryStringParameters"] = {**(event.get("queryStringParameters") or {}), **query}
                event["rawQueryString"] = "&".join(f"{k}={v}" for k, v in event["queryStringParameters"].items())
            if body is not None:
                event["body"] = json.dumps(body, ensure_ascii=False)
        answer = invoke(function, event)
        self.driven.append(name)
        if "routeKey" not in event:
            failures = answer.get("batchItemFailures") if isinstance(answer, dict) else None
            if failures:
                self.failures.append(f"{name}: {answer}")
            print(f"  {name:34} ok")
            return answer
        status = answer.get("statusCode")
        text = answer.get("body") or ""
        print(f"  {name:34} {status}")
        if status not in expect:
            self.failures.append(f"{name}: {status} (expected {expect}) {text[:300]}")
        try:
            return json.loads(text)
        except ValueError:
            return text


# A sample is for the function whose name it starts with (the longest such name).
FUNCTIONS = sorted((p.name for p in (ROOT / "functions").iterdir()), key=len, reverse=True)


def upload(run, token, name="材料.jpg"):
    body = sample("submission-upload")["body"]
    size = json.loads(body)["size"]
    presigned = run.call("submission-upload", token=token, expect=(201,))
    # A JPEG's signature, then filler: the service checks what a file really is.
    req = urllib.request.Request(presigned["uploadUrl"], data=b"\xff\xd8\xff\xe0" + b"j" * (size - 4), method="PUT",
                                 headers=presigned["headers"])
    urllib.request.urlopen(req, timeout=30).read()
    return presigned["objectKey"]


def main():
    up(CLI, PORTS, ENV, "invoke")
    env_file = ROOT / "target" / "invoke-all.env"
    env_file.write_text(subprocess.run([str(CLI), "env"], cwd=ROOT, env=ENV, capture_output=True,
                                       text=True, check=True).stdout)
    start([str(VENV / "cargo-lambda"), "lambda", "watch", "--env-file", str(env_file),
           "-A", "127.0.0.1", "-P", str(PORTS["runtime"])], "invoke-watch.log", ENV)
    wait_for(PORTS["runtime"], "cargo lambda watch", 300)

    run = Run()
    login = run.call("auth-login", body={"code": f"invoke-{os.getpid()}"})
    token = login["token"]
    run.call("auth-identity", token=token)
    run.call("auth-me", token=token)
    for name in ["catalog-items", "catalog-item", "catalog-packages", "catalog-package",
                 "catalog-halls", "catalog-hall"]:
        run.call(name)
    staff = subprocess.run([str(CLI), "token", "--role", "staff", "--dept", "RSJ", "--hall", "spb-center"],
                           cwd=ROOT, env=ENV, capture_output=True, text=True, check=True).stdout.strip()
    rsj = subprocess.run([str(CLI), "token", "--role", "staff", "--dept", "RSJ"],
                         cwd=ROOT, env=ENV, capture_output=True, text=True, check=True).stdout.strip()

    # The first working day ahead with a bookable slot at window C.
    slots = []
    day = datetime.date.today()
    for _ in range(14):
        day += datetime.timedelta(days=1)
        listed = run.call("booking-slots", query={"date": day.isoformat()})
        slots = [s["slotId"] for s in listed["items"] if s["bookable"] and s["windowCode"] == "C"]
        if len(slots) >= 2:
            break
    booked = run.call("booking-create", token=token, body={"slotId": slots[0], "itemCode": "RSJ-0001"},
                      expect=(201,))["id"]
    run.call("booking-mine", token=token)
    run.call("booking-get", token=token, path={"id": booked})
    moved = run.call("booking-reschedule", token=token, path={"id": booked}, body={"slotId": slots[1]})
    booked = moved.get("id", booked)
    run.call("booking-check-in", token=staff, path={"id": booked}, expect=(200, 409))
    run.call("booking-cancel", token=token, path={"id": booked}, expect=(200, 409, 422))
    run.call("booking-sweeper-hourly")

    create = json.loads(sample("submission-create")["body"])
    for m in create["materials"]:
        m["objectKey"] = upload(run, token)
    first = run.call("submission-create", token=token, body=create, expect=(201,))["applicationNo"]
    for m in create["materials"]:
        m["objectKey"] = upload(run, token)
    second = run.call("submission-create", token=token, body=create, expect=(201,),
                      drop_idempotency=True)["applicationNo"]
    run.call("submission-queue", token=rsj)
    run.call("submission-transition", token=rsj, path={"no": first})
    run.call("submission-transition", token=rsj, path={"no": first}, body={
        "action": "request_correction", "note": "照片不清晰", "correctionItems": ["近期免冠证件照"], "version": 2})
    correct = json.loads(sample("submission-correct")["body"])
    for m in correct["materials"]:
        m["objectKey"] = upload(run, token)
    run.call("submission-correct", token=token, path={"no": first}, body=correct)
    run.call("submission-withdraw", token=token, path={"no": second})
    run.call("progress-get", token=token, path={"no": first})
    run.call("progress-mine", token=token)
    run.call("progress-lookup", query={"applicationNo": first, "phoneLast4": "5678"})
    run.call("deadline-sweeper-daily")

    run.call("submission-transition", token=rsj, path={"no": first}, body={"action": "complete", "version": 4})
    rating = json.loads(sample("evaluation-application")["body"])
    rating.update({"rating": 1, "tags": ["办理超时"], "indicators": {k: 1 for k in rating["indicators"]}})
    run.call("evaluation-application", token=token, path={"no": first}, body=rating, expect=(201,))
    run.call("evaluation-visit", token=token, path={"id": booked}, expect=(201, 422))
    review = f"A{first}"
    run.call("evaluation-follow-up", token=token, path={"id": review}, expect=(201,))
    run.call("evaluation-staff", token=rsj)
    run.call("evaluation-rectify", token=rsj, path={"id": review})
    run.call("evaluation-stats")
    run.call("evaluation-sweeper-daily")

    for name in ["wechat-callback-oa-verify", "wechat-callback-oa-subscribe", "wechat-callback-oa-text-safe",
                 "wechat-callback-mp-verify", "wechat-callback-mp-popup-safe"]:
        run.call(name, function="wechat-callback")
    run.call("notifier-outbox-insert")

    every = sorted(p.stem for p in (ROOT / "events").glob("*.json"))
    missed = sorted(set(every) - set(run.driven))
    if missed:
        run.failures.append(f"samples not driven: {missed}")
    if run.failures:
        print("\n".join(["", "invoke-all failed:"] + run.failures))
        return 1
    print(f"\ninvoke-all: {len(set(run.driven))} sample events, {len(run.driven)} invocations, every answer as expected")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        stop()
    sys.exit(code)
