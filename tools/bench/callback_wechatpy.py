"""The wechatpy side of the callback benchmark: the same signed safe-mode messages, verified,
decrypted, parsed and answered with a sealed text reply, on one core.

Usage: callback_wechatpy.py MESSAGES.json SECONDS  ->  {"wechatpy": messages per second}
"""
import json
import sys
import time

from wechatpy import create_reply, parse_message
from wechatpy.crypto import WeChatCrypto


def main():
    with open(sys.argv[1], encoding="utf-8") as f:
        data = json.load(f)
    seconds = float(sys.argv[2])
    crypto = WeChatCrypto(data["token"], data["encodingAesKey"], data["appid"])
    samples = [(s["query"], s["body"]) for s in data["samples"]]
    done = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        for query, body in samples:
            xml = crypto.decrypt_message(body, query["msg_signature"], query["timestamp"], query["nonce"])
            message = parse_message(xml)
            reply = create_reply("收到", message).render()
            crypto.encrypt_message(reply, query["nonce"], query["timestamp"])
            done += 1
    print(json.dumps({"wechatpy": round(done / (time.perf_counter() - started))}))


if __name__ == "__main__":
    main()
