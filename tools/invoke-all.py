"""make invoke-all: every sample event in events/ through its function's real binary, the way
AWS runs it: `cargo lambda watch` serves the Lambda Runtime API and `cargo lambda invoke`
sends the event. The functions talk to a moto server and the WeChat sandbox that
`fingertip-cli up` starts on ports of their own, so `make run` may keep running.

The samples name placeholder ids and tokens; each is filled in from the answers before it
(a login gives the token, a booking its id), in the order of events/day.txt, which
tests/events.rs follows too; a round that drives them in another order fails. Every answer's
status is checked. Which function a sample is for comes from the registry of functions
(`fingertip-cli functions`).

The day runs once at the real time and then again at awkward instants (07:30 and 23:59 in
Beijing, the eve of a 调休 working Saturday, 31 December): the functions' clock is shifted
with Debian's libfaketime, preloaded into the function processes alone by the runner
`tools/with-shifted-clock` that cargo is given through the env file `cargo lambda watch`
reads, its offset in a file this script rewrites between rounds; every date this script
computes is computed in Asia/Shanghai from the same shifted clock.
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
SHANGHAI = datetime.timezone(datetime.timedelta(hours=8))
FAKETIME_LIB = "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1"
OFFSET_FILE = ROOT / "target" / "invoke-all.faketime"
# The instants the day is replayed at, as Shanghai wall-clock times (None: the real time).
ROUNDS = [None, "2026-12-03T07:30", "2026-12-02T23:59", "2026-10-09T20:00", "2026-12-31T23:59"]
# A slot is booked only if it starts this far ahead: clear of the hour's lead time and the
# two hours before it within which a booking can no longer be moved or cancelled.
CLEAR_OF_LIMITS = datetime.timedelta(hours=3)


class Clock:
    """The shifted clock the functions read, and this script with them."""

    def __init__(self):
        self.offset = datetime.timedelta(0)

    def set(self, local):
        if local is None:
            self.offset = datetime.timedelta(0)
        else:
            at = datetime.datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)
            self.offset = at - datetime.datetime.now(SHANGHAI)
        # libfaketime's relative form: seconds to add to the real time.
        OFFSET_FILE.write_text(f"{int(self.offset.total_seconds()):+d}\n")
        time.sleep(1.5)  # the functions re-read it at most once a second

    def now(self):
        return datetime.datetime.now(SHANGHAI) + self.offset


CLOCK = Clock()


# What libfaketime reads: the offset's file, re-read each second; monotonic time is left
# alone, so timers and timeouts behave.
SHIFT = {"FAKETIME_TIMESTAMP_FILE": str(OFFSET_FILE), "FAKETIME_CACHE_DURATION": "1",
         "FAKETIME_DONT_FAKE_MONOTONIC": "1", "FAKETIME_LIB": FAKETIME_LIB}


def faked(env):
    """`env` with the shifted clock preloaded, for a process that must see it."""
    if not os.path.exists(FAKETIME_LIB):
        sys.exit(f"{FAKETIME_LIB} is missing: apt-get install faketime (make test installs it)")
    return {**env, **SHIFT, "LD_PRELOAD": FAKETIME_LIB}


def sample(name):
    return json.loads((ROOT / "events" / f"{name}.json").read_text())


def the_day():
    """events/day.txt: the samples in the order a citizen's day uses them."""
    lines = (ROOT / "events" / "day.txt").read_text().splitlines()
    return [n.strip() for n in lines if n.strip() and not n.startswith("#")]


def registry():
    """The functions' binaries, longest first: a sample is for the longest one it starts with."""
    out = subprocess.run([str(CLI), "functions"], cwd=ROOT, env=ENV, capture_output=True, text=True, check=True)
    return sorted((f["binary"] for f in json.loads(out.stdout)), key=len, reverse=True)


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
        self.functions = registry()
        self.driven = []
        self.failures = []
        self.round = "now"

    def call(self, name, token=None, path=None, query=None, body=None,
             expect=(200,), drop_idempotency=False):
        event = sample(name)
        function = next(f for f in self.functions if name.startswith(f + "-"))
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
                self.failures.append(f"[{self.round}] {name}: {answer}")
            print(f"  {name:34} ok")
            return answer
        status = answer.get("statusCode")
        text = answer.get("body") or ""
        print(f"  {name:34} {status}")
        if status not in expect:
            self.failures.append(f"[{self.round}] {name}: {status} (expected {expect}) {text[:300]}")
        try:
            return json.loads(text)
        except ValueError:
            return text


def id_number(n):
    """A valid resident ID number, different for each `n` (GB 11643 check character)."""
    body = f"11010519800101{n:03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(d) * w for d, w in zip(body, weights))
    return body + "10X98765432"[total % 11]


CREDIT_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(n):
    """A valid 统一社会信用代码 (GB 32100 check character), different for each `n`."""
    body = f"91500106MA{n:07d}"
    weights = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]
    total = sum(CREDIT_ALPHABET.index(c) * w for c, w in zip(body, weights))
    return body + CREDIT_ALPHABET[(31 - total % 31) % 31]


def cli_token(*args):
    """A staff token from the CLI, signed at the functions' (shifted) time."""
    return subprocess.run([str(CLI), "token", *args], cwd=ROOT, env=faked(ENV), capture_output=True,
                          text=True, check=True).stdout.strip()


def upload(run, token):
    body = sample("submission-upload")["body"]
    size = json.loads(body)["size"]
    presigned = run.call("submission-upload", token=token, expect=(201,))
    # A JPEG's signature, then filler: the service checks what a file really is.
    req = urllib.request.Request(presigned["uploadUrl"], data=b"\xff\xd8\xff\xe0" + b"j" * (size - 4), method="PUT",
                                 headers=presigned["headers"])
    urllib.request.urlopen(req, timeout=30).read()
    return presigned["objectKey"]


def two_slots(run):
    """Two bookable slots at window C on the first day (in Shanghai) that has them, each
    starting clear of the lead and cancel limits."""
    now = CLOCK.now()
    day = now.date()
    for _ in range(14):
        listed = run.call("booking-slots", query={"date": day.isoformat()})
        slots = [s["slotId"] for s in listed["items"]
                 if s["bookable"] and s["windowCode"] == "C"
                 and datetime.datetime.fromisoformat(s["start"]) >= now + CLEAR_OF_LIMITS]
        if len(slots) >= 2:
            return slots[:2]
        day += datetime.timedelta(days=1)
    sys.exit(f"[{run.round}] no two bookable slots in a fortnight from {now.isoformat()}")


class Day:
    """One citizen's day: what the samples before a step gave it (tokens, ids)."""

    def __init__(self, n):
        self.n = n
        self.phone = f"138{n:04d}5678"
        self.login = None  # the wx.login code the citizen signs in with
        self.token = None
        self.staff = None  # window staff of the sample hall
        self.rsj = None  # the 人社局 department
        self.admin = None  # the staff directory's admin
        self.slots = []  # two bookable slots: booked, then moved to
        self.booked = None
        self.on_the_day = False
        self.code = None  # the booking's verification code
        self.ticket = None  # the number window C called
        self.uploads = []
        self.first = self.second = None
        self.first_material = None  # the first application's ID card scan
        self.jiancha = None  # the supervisor
        self.case = None  # the complaint filed
        self.order = None  # the 督办 order about it
        self.enterprise = None  # the credit code of the citizen's enterprise
        self.agent = None  # the agent they authorized
        self.consent = None  # the 代办 awaiting their consent


def step_login(run, d):
    d.login = f"invoke-{os.getpid()}-{d.n}"
    d.token = run.call("auth-login", body={"code": d.login})["token"]
    d.staff = cli_token("--role", "staff", "--dept", "RSJ", "--hall", "spb-center")
    d.rsj = cli_token("--role", "staff", "--dept", "RSJ")
    d.admin = cli_token("--role", "admin")
    d.jiancha = cli_token("--role", "supervisor")


def step_identity(run, d):
    run.call("auth-identity", token=d.token, body={"realName": "张三", "idNumber": id_number(d.n), "phone": d.phone})


def step_verify(run, d):
    """The face verification the mini-program would run, minted by the sandbox for this
    citizen's WeChat user and the identity just bound."""
    req = urllib.request.Request(
        f"http://127.0.0.1:{PORTS['sandbox']}/_sandbox/face", method="POST",
        data=json.dumps({"code": d.login, "realName": "张三", "idNumber": id_number(d.n)}).encode(),
        headers={"content-type": "application/json"})
    minted = json.loads(urllib.request.urlopen(req, timeout=10).read())
    run.call("auth-identity-verification", token=d.token, body={"verifyResult": minted["verifyResult"]})


def step_register_enterprise(run, d):
    """The window registers the citizen's enterprise, the citizen its representative."""
    d.enterprise = credit_code(d.n)
    run.call("auth-enterprise-register", token=d.staff, expect=(201,), body={
        "creditCode": d.enterprise, "name": "重庆示例科技有限公司",
        "representative": {"realName": "张三", "idNumber": id_number(d.n)}})


def step_grant_agent(run, d):
    until = (CLOCK.now().date() + datetime.timedelta(days=30)).isoformat()
    d.agent = run.call("auth-enterprise-agent-grant", token=d.token, path={"code": d.enterprise}, expect=(201,),
                       body={"realName": "李四", "idNumber": id_number(d.n + 500), "until": until})["agentId"]


def step_slots(run, d):
    d.slots = two_slots(run)


def step_book(run, d):
    d.booked = run.call("booking-create", token=d.token, body={"slotId": d.slots[0], "itemCode": "RSJ-0001"},
                        expect=(201,))["id"]


def step_reschedule(run, d):
    moved = run.call("booking-reschedule", token=d.token, path={"id": d.booked}, body={"slotId": d.slots[1]})
    d.booked = moved.get("id", d.booked)
    d.code = moved.get("verificationCode", "000000")
    # Check-in is for the booking's own day only.
    today = CLOCK.now().date().isoformat()
    d.on_the_day = d.slots[1].split(".")[1] == today.replace("-", "")


def step_call_next(run, d):
    # The walk-in sample replays its first answer in later rounds, so a round may find
    # nobody waiting at window C: 204.
    called = run.call("hall-call-next", token=d.staff, expect=(200, 204))
    d.ticket = called.get("ticketId") if isinstance(called, dict) else None


def step_finish(run, d):
    if d.ticket:
        run.call("hall-finish", token=d.staff, path={"ticketId": d.ticket}, body={"outcome": "served"})
    else:
        # Nothing called this round: the sample's own ticket is none of this window's.
        run.call("hall-finish", token=d.staff, expect=(404, 409))


def step_uploads(run, d):
    # Both applications' materials and the correction's, uploaded as a citizen would.
    create = json.loads(sample("submission-create")["body"])
    correct = json.loads(sample("submission-correct")["body"])
    count = 2 * len(create["materials"]) + len(correct["materials"])
    d.uploads = [upload(run, d.token) for _ in range(count)]


def step_create(run, d):
    create = json.loads(sample("submission-create")["body"])
    for drop, attr in [(False, "first"), (True, "second")]:
        for m in create["materials"]:
            m["objectKey"] = d.uploads.pop(0)
        if attr == "first":
            d.first_material = create["materials"][0]["objectKey"]
        no = run.call("submission-create", token=d.token, body=create, expect=(201,),
                      drop_idempotency=drop)["applicationNo"]
        setattr(d, attr, no)


def step_intake(run, d):
    # The window clerk scans the materials of the person in front of the window and takes
    # the application in. Each round's scans are new, so the sample's key is left out.
    intake = json.loads(sample("submission-intake")["body"])
    for m in intake["materials"]:
        m["objectKey"] = upload(run, d.staff)
    run.call("submission-intake", token=d.staff, body=intake, expect=(201,), drop_idempotency=True)


def step_proxy(run, d):
    """月台村's agent prepares a 代办 for the citizen, who is asked in WeChat to confirm it."""
    agent = cli_token("--role", "agent")
    body = json.loads(sample("submission-proxy")["body"])
    body["applicant"]["idNumber"] = id_number(d.n)
    body["applicant"]["phone"] = d.phone
    body["materials"][0]["objectKey"] = upload(run, agent)
    d.consent = run.call("submission-proxy", token=agent, body=body, expect=(202,))["consentId"]


def step_transition(run, d):
    run.call("submission-transition", token=d.rsj, path={"no": d.first})
    run.call("submission-transition", token=d.rsj, path={"no": d.first}, body={
        "action": "request_correction", "note": "照片不清晰", "correctionItems": ["近期免冠证件照"], "reasonCode": "materials_nonconforming", "version": 2})


def step_correct(run, d):
    correct = json.loads(sample("submission-correct")["body"])
    for m in correct["materials"]:
        m["objectKey"] = d.uploads.pop(0)
    run.call("submission-correct", token=d.token, path={"no": d.first}, body=correct)


def step_rate_application(run, d):
    run.call("submission-transition", token=d.rsj, path={"no": d.first}, body={"action": "complete", "version": 5})
    rating = json.loads(sample("evaluation-application")["body"])
    rating.update({"rating": 1, "tags": ["办理超时"], "indicators": {k: 1 for k in rating["indicators"]}})
    run.call("evaluation-application", token=d.token, path={"no": d.first}, body=rating, expect=(201,))


def step_file(run, d):
    d.case = run.call("feedback-create", token=d.token, expect=(201,))["feedbackNo"]


def step_rate_reply(run, d):
    run.call("feedback-transition", token=d.rsj, path={"no": d.case},
             body={"action": "reply", "note": "已核实，窗口已补发一次性告知书并致歉"})
    run.call("feedback-rating", token=d.token, path={"no": d.case})


def step_issue_order(run, d):
    body = json.loads(sample("supervision-order-issue")["body"])
    due = (CLOCK.now().date() + datetime.timedelta(days=7)).isoformat()
    body.update({"subject": {"feedbackNo": d.case}, "dueDate": due})
    d.order = run.call("supervision-order-issue", token=d.jiancha, body=body, expect=(201,),
                       drop_idempotency=True)["id"]


def step_close_order(run, d):
    run.call("supervision-order-respond", token=d.rsj, path={"id": d.order}, body={"note": "已修订一次性告知清单并公示"})
    run.call("supervision-order-close", token=d.jiancha, path={"id": d.order})


def step_rulings(run, d):
    run.call("evaluation-rectify", token=d.rsj, path={"id": f"A{d.first}"},
             body={"action": "invalidate", "note": "经核查系误评"})
    listed = run.call("evaluation-rulings", token=d.jiancha)
    if not any(r["id"] == f"A{d.first}" for r in listed.get("items", [])):
        run.failures.append(f"[{run.round}] evaluation-rulings: the ruling is not in the queue")


def step_acknowledge(run, d):
    """The first open alert of 人社局, if the sweeps have raised one (a day with nothing late
    has none to acknowledge)."""
    listed = run.call("supervision-alerts", token=d.rsj)
    open_alerts = [a for a in listed.get("items", []) if a["status"] in ("open", "escalated")]
    if not open_alerts:
        # Nothing late today: the sample's alert does not exist.
        run.call("supervision-alert-acknowledge", token=d.rsj, expect=(404,))
        return
    run.call("supervision-alert-acknowledge", token=d.rsj, path={"id": open_alerts[0]["id"]})


# The samples that need more than their caller's token: ids from the steps before, a body
# of this day's, an answer other than 200. Every other sample of events/day.txt is sent as
# it is, with the citizen's token, the department's on a staff route, the admin's on an
# admin route, the supervisor's on a supervision route.
STEPS = {
    "auth-login": step_login,
    "auth-identity": step_identity,
    "auth-identity-verification": step_verify,
    # 法人: the window registers the citizen's enterprise; they authorize an agent and
    # revoke them.
    "auth-enterprise-register": step_register_enterprise,
    "auth-enterprise-get": lambda run, d: run.call("auth-enterprise-get", token=d.token, path={"code": d.enterprise}),
    "auth-enterprise-agent-grant": step_grant_agent,
    "auth-enterprise-helper": lambda run, d: run.call("auth-enterprise-helper", token=d.jiancha,
                                                      path={"code": d.enterprise}),
    "auth-enterprise-agent-revoke": lambda run, d: run.call("auth-enterprise-agent-revoke", token=d.token,
                                                            path={"code": d.enterprise, "agentId": d.agent}),
    # The same Idempotency-Key every round: the first answer again.
    "auth-admin-staff-create": lambda run, d: run.call("auth-admin-staff-create", token=d.admin, expect=(201,)),
    "booking-slots": step_slots,
    "booking-create": step_book,
    "booking-get": lambda run, d: run.call("booking-get", token=d.token, path={"id": d.booked}),
    "booking-reschedule": step_reschedule,
    # The hall: the visitor's code (a booking of another day is no code of today's), a
    # walk-in number, the next number at window C, the board, and the visit finished.
    "hall-check-in": lambda run, d: run.call("hall-check-in", token=d.staff, body={"verificationCode": d.code},
                                             expect=(200,) if d.on_the_day else (422,)),
    "hall-check-in-by-id": lambda run, d: run.call("hall-check-in-by-id", token=d.staff, path={"id": d.booked},
                                                   expect=(200,) if d.on_the_day else (409,)),
    "hall-walk-in": lambda run, d: run.call("hall-walk-in", token=d.staff, expect=(201,)),
    "hall-call-next": step_call_next,
    "hall-day": lambda run, d: run.call("hall-day", token=d.staff, query={"date": CLOCK.now().date().isoformat()}),
    "hall-finish": step_finish,
    "booking-cancel": lambda run, d: run.call("booking-cancel", token=d.token, path={"id": d.booked},
                                              expect=(409,) if d.on_the_day else (200,)),
    "submission-upload": step_uploads,
    "submission-create": step_create,
    "submission-intake": step_intake,
    "submission-proxy": step_proxy,
    "submission-consent-answer": lambda run, d: run.call("submission-consent-answer", token=d.token,
                                                         path={"id": d.consent}, expect=(201,)),
    "submission-transition": step_transition,
    "submission-decide": lambda run, d: run.call("submission-decide", token=d.rsj, path={"no": d.first}),
    "submission-material": lambda run, d: run.call("submission-material", token=d.rsj, path={"no": d.first,
                                                   "objectKey": d.first_material}),
    "submission-applicant": lambda run, d: run.call("submission-applicant", token=d.rsj, path={"no": d.first}),
    "submission-delivery": lambda run, d: run.call("submission-delivery", token=d.rsj, path={"no": d.first}),
    "progress-receipt": lambda run, d: run.call("progress-receipt", token=d.token, path={"no": d.first}),
    "submission-correct": step_correct,
    "submission-withdraw": lambda run, d: run.call("submission-withdraw", token=d.token, path={"no": d.second}),
    "progress-get": lambda run, d: run.call("progress-get", token=d.token, path={"no": d.first}),
    "progress-lookup": lambda run, d: run.call("progress-lookup",
                                               query={"applicationNo": d.first, "phoneLast4": d.phone[-4:]}),
    "evaluation-application": step_rate_application,
    "evaluation-visit": lambda run, d: run.call("evaluation-visit", token=d.token, path={"id": d.booked},
                                                expect=(201,) if d.on_the_day else (422,)),
    "evaluation-follow-up": lambda run, d: run.call("evaluation-follow-up", token=d.token,
                                                    path={"id": f"A{d.first}"}, expect=(201,)),
    "evaluation-rectify": lambda run, d: run.call("evaluation-rectify", token=d.rsj, path={"id": f"A{d.first}"}),
    # The department then rules the 差评 invalid, and the supervisor upholds it (复核).
    "evaluation-rulings": step_rulings,
    "evaluation-ruling-review": lambda run, d: run.call("evaluation-ruling-review", token=d.jiancha,
                                                        path={"id": f"A{d.first}"}),
    # 咨询投诉: a complaint to 人社局, which asks for more days (the supervisor agrees),
    # replies, and is rated.
    "feedback-create": step_file,
    "feedback-get": lambda run, d: run.call("feedback-get", token=d.token, path={"no": d.case}),
    "feedback-staff-get": lambda run, d: run.call("feedback-staff-get", token=d.rsj, path={"no": d.case}),
    "feedback-transition": lambda run, d: run.call("feedback-transition", token=d.rsj, path={"no": d.case}),
    "feedback-extension": lambda run, d: run.call("feedback-extension", token=d.jiancha, path={"no": d.case}),
    "feedback-complainant": lambda run, d: run.call("feedback-complainant", token=d.jiancha, path={"no": d.case}),
    "feedback-rating": step_rate_reply,
    # 督办: an order about the complaint, answered, returned, answered again and closed;
    # then its audit trail.
    "supervision-order-issue": step_issue_order,
    "supervision-order-respond": lambda run, d: run.call("supervision-order-respond", token=d.rsj, path={"id": d.order}),
    "supervision-order-return": lambda run, d: run.call("supervision-order-return", token=d.jiancha, path={"id": d.order}),
    "supervision-order-close": step_close_order,
    "supervision-alert-acknowledge": step_acknowledge,
    "supervision-audit": lambda run, d: run.call("supervision-audit", token=d.jiancha,
                                                 query={"subject": f"order:{d.order}"}),
}


def as_sent(run, d, name):
    """A sample with only its caller's token filled in. The WeChat samples are signed at a
    fixed time (the stack's window admits it); a push seen in an earlier round is answered
    as handled."""
    event = sample(name)
    if "authorization" not in (event.get("headers") or {}):
        return run.call(name)
    route = event.get("routeKey", "")
    if "/v1/admin/" in route:
        return run.call(name, token=d.admin)
    if "/v1/supervision/" in route:
        return run.call(name, token=d.jiancha)
    return run.call(name, token=d.rsj if "/staff/" in route else d.token)


def day(run, n):
    """One citizen's day with every sample, in events/day.txt's order, at the clock as it stands."""
    d = Day(n)
    for name in the_day():
        STEPS.get(name, lambda run, d, name=name: as_sent(run, d, name))(run, d)


def main():
    up(CLI, PORTS, ENV, "invoke")
    OFFSET_FILE.write_text("+0\n")
    env_file = ROOT / "target" / "invoke-all.env"
    settings = subprocess.run([str(CLI), "env"], cwd=ROOT, env=ENV, capture_output=True,
                              text=True, check=True).stdout
    # cargo lambda watch runs each function with `cargo run`; the runner preloads the
    # shifted clock into the function alone.
    runner = {**SHIFT, "CARGO_TARGET_X86_64_UNKNOWN_LINUX_GNU_RUNNER": str(ROOT / "tools" / "with-shifted-clock")}
    env_file.write_text(settings + "".join(f"{k}='{v}'\n" for k, v in runner.items()))
    start([str(VENV / "cargo-lambda"), "lambda", "watch", "--env-file", str(env_file),
           "-A", "127.0.0.1", "-P", str(PORTS["runtime"])], "invoke-watch.log", ENV)
    wait_for(PORTS["runtime"], "cargo lambda watch", 300)

    run = Run()
    order = the_day()
    every = sorted(p.stem for p in (ROOT / "events").glob("*.json"))
    if sorted(order) != every:
        run.failures.append(f"events/day.txt and events/*.json differ: {sorted(set(order) ^ set(every))}")
    for n, at in enumerate(ROUNDS):
        CLOCK.set(at)
        run.round = at or "now"
        print(f"\nthe day at {run.round} (Shanghai {CLOCK.now().isoformat(timespec='minutes')})")
        start_of_round = len(run.driven)
        day(run, n)
        firsts = list(dict.fromkeys(run.driven[start_of_round:]))
        if firsts != order:
            run.failures.append(f"[{run.round}] the day ran out of events/day.txt's order: {firsts}")
    if run.failures:
        print("\n".join(["", "invoke-all failed:"] + run.failures))
        return 1
    print(f"\ninvoke-all: {len(set(run.driven))} sample events, {len(run.driven)} invocations over "
          f"{len(ROUNDS)} instants, every answer as expected")
    return 0


if __name__ == "__main__":
    try:
        code = main()
    finally:
        stop()
    sys.exit(code)
