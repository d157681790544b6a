"""The wechatpy side of the callback benchmark: the same signed safe-mode messages, verified,
decrypted, parsed and answered with a sealed text reply, on one core.

Usage: callback_wechatpy.py MESSAGES.json SECONDS  ->  {"sustained": n, "best": n}

Messages per second over the whole run, and in the fastest 100-ms window: the same windows
as the Rust side (tools/src/bench/callback.rs), so the two are measured alike.
"""
import json
import sys
import time

from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto

# Seconds: the window length of tools/src/bench/callback.rs.
WINDOW = 0.1


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    seconds = float(sys.argv[2])
    crypto = WeChatCrypto(data["token"], data["encodingAesKey"], data["appid"])
    samples = [(s["query"], s["body"]) for s in data["samples"]]
    done, best = 0, 0.0
    started = time.perf_counter()
    window, in_window = started, 0
    while time.perf_counter() - started < seconds:
        for query, body in samples:
            xml = crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"])
            message = parse_message(xml)
            reply = create_reply("收到", message).render()
            crypto.encrypt_message(reply, query["nonce"], query["timestamp"])
            done += 1
            in_window += 1
            now = time.perf_counter()
            if now - window >= WINDOW:
                best = max(best, in_window / (now - window))
                window, in_window = now, 0
    sustained = done / (time.perf_counter() - started)
    print(json.dumps({"sustained": round(sustained), "best": round(best)}))


if __name__ == "__main__":
    main()
