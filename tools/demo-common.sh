# What the curl walkthroughs (tools/demo-*.sh) share: the local API's address and small
# helpers. Sourced, not run.
API=${API:-http://127.0.0.1:3000}
# A field of the JSON on stdin: j '["items"][0]["id"]'.
j() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
post() { curl -sf -XPOST "$API$1" -H "authorization: Bearer $2" -H 'content-type: application/json' -d "$3"; }
get() { curl -sf "$API$1" -H "authorization: Bearer $2"; }
# A staff token for the demo directory's member $1, signed in through the WeCom sandbox.
staff() { curl -sf -XPOST "$API/v1/staff/auth/wecom" -H 'content-type: application/json' -d "{\"code\":\"wecom-$1\"}" | j '["token"]'; }
# A valid resident ID number (GB 11643 check character) of its own for each run.
id_number() {
  python3 -c "
import random
b='1101051990%04d%03d' % (random.choice([101,202,303,505,707,909,1111]), random.randint(100,999))
w=[7,9,10,5,8,4,2,1,6,3,7,9,10,5,8,4,2]
print(b+'10X98765432'[sum(int(d)*x for d,x in zip(b,w))%11])"
}
