#!/usr/bin/env python3
"""Writes examples into docs/openapi.yaml from real exchanges: the request body each sample
event sends and the answer its function gives, as tests/openapi.rs records them with
FINGERTIP_OPENAPI_EXAMPLES=<file>. An example already in the document is replaced, so a
rerun refreshes them all; tests/openapi.rs checks every example against its schema.

    FINGERTIP_OPENAPI_EXAMPLES=target/openapi-examples.json \\
        cargo test -p fingertip-tests --test openapi every_sample_events
    python3 tools/openapi-examples.py target/openapi-examples.json
"""

import json
import pathlib
import re
import sys

DOC = pathlib.Path(__file__).resolve().parent.parent / "docs" / "openapi.yaml"


def indent(line):
    return len(line) - len(line.lstrip(" "))


def block_end(lines, start):
    """The index after the block that begins at `start` (its deeper-indented lines)."""
    base = indent(lines[start])
    i = start + 1
    while i < len(lines) and (not lines[i].strip() or indent(lines[i]) > base):
        i += 1
    return i


def find(lines, start, end, pattern, level):
    for i in range(start, end):
        if indent(lines[i]) == level and re.match(pattern, lines[i].strip()):
            return i
    return None


def set_example(lines, media, value):
    """Puts `example: <value>` in the media type block at `media`, replacing one there."""
    end = block_end(lines, media)
    level = indent(lines[media]) + 2
    old = find(lines, media + 1, end, r"example:", level)
    text = " " * level + "example: " + json.dumps(value, ensure_ascii=False)
    if old is not None:
        lines[old:block_end(lines, old)] = [text]
    else:
        lines.insert(end, text)


# Values the sandbox makes that mean nothing outside it: a request example shows what a
# client sends instead (WeChat's verify result is opaque to the mini-program).
PLACEHOLDERS = {"verifyResult": "REPLACE_WITH_verifyResult_FROM_wx.startFacialRecognitionVerify"}


def main(path):
    exchanges = json.loads(pathlib.Path(path).read_text())
    lines = DOC.read_text().split("\n")
    for route, ex in sorted(exchanges.items()):
        method, url = route.split(" ", 1)
        p = find(lines, 0, len(lines), re.escape(url) + r":$", 2)
        if p is None:
            sys.exit(f"{route}: not in the document")
        op = find(lines, p + 1, block_end(lines, p), method.lower() + ":$", 4)
        if op is None:
            sys.exit(f"{route}: no such operation")
        if ex.get("response") is not None:
            responses = find(lines, op + 1, block_end(lines, op), "responses:$", 6)
            status = find(lines, responses + 1, block_end(lines, responses), f'"{ex["status"]}":', 8)
            if status is not None:
                content = find(lines, status + 1, block_end(lines, status), "content:$", 10)
                if content is not None:
                    media = find(lines, content + 1, block_end(lines, content), "application/json:$", 12)
                    if media is not None:
                        set_example(lines, media, ex["response"])
        if ex.get("request") is not None:
            op = find(lines, p + 1, block_end(lines, p), method.lower() + ":$", 4)
            body = find(lines, op + 1, block_end(lines, op), "requestBody:$", 6)
            if body is not None:
                content = find(lines, body + 1, block_end(lines, body), "content:$", 8)
                media = find(lines, content + 1, block_end(lines, content), "application/json:$", 10)
                if media is not None:
                    request = ex["request"]
                    if isinstance(request, dict):
                        request = {k: PLACEHOLDERS.get(k, v) for k, v in request.items()}
                    set_example(lines, media, request)
    DOC.write_text("\n".join(lines))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "target/openapi-examples.json")
