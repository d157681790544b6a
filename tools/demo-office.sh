#!/usr/bin/env bash
# The office's morning through the local stack (make run), with curl: the window clerk
# (wecom-chuangkou) signs in through WeCom, checks a booked citizen in by the code of their
# booking, calls the number at window C and takes an application in at the window with the
# scans; the 人社局 approver (wecom-rsj) signs in, opens a material, accepts, decides,
# completes and records the result handed out. Then both audit trails.
#
# Check-in by code is for a booking of today: when the hall has no slot left today (evening,
# a weekend), the visitor takes a walk-in number instead.
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/demo-common.sh
ID_NUMBER=$(id_number)
TODAY=$(TZ=Asia/Shanghai date +%F)

echo "== a citizen books a slot today, if one is left"
TOKEN=$(curl -sf -XPOST "$API/v1/auth/wechat" -H 'content-type: application/json' -d "{\"code\":\"office-demo-$RANDOM\"}" | j '["token"]')
curl -sf -XPUT "$API/v1/me/identity" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"realName\":\"赵六\",\"idNumber\":\"$ID_NUMBER\",\"phone\":\"13700001234\"}" > /dev/null
SLOT=$(curl -sf "$API/v1/halls/spb-center/slots?date=$TODAY&item=RSJ-0001" \
  | python3 -c "import json,sys; s=[x['slotId'] for x in json.load(sys.stdin)['items'] if x['bookable'] and x['windowCode']=='C']; print(s[0] if s else '')")

echo "== the window clerk signs in through WeCom"
CLERK=$(staff chuangkou)
if [ -n "$SLOT" ]; then
  CODE=$(post /v1/bookings "$TOKEN" "{\"slotId\":\"$SLOT\",\"itemCode\":\"RSJ-0001\"}" | j '["verificationCode"]')
  echo "booked $SLOT; checked in by code:"
  post /v1/staff/halls/spb-center/check-in "$CLERK" "{\"verificationCode\":\"$CODE\"}" | j '["queueNumber"]'
else
  echo "no slot left today: a walk-in number"
  post /v1/staff/halls/spb-center/walk-ins "$CLERK" '{"itemCode":"RSJ-0001"}' | j '["queueNumber"]'
fi
echo "== window C calls the next number"
CALLED=$(curl -sf -XPOST "$API/v1/staff/windows/spb-center.C/call-next" -H "authorization: Bearer $CLERK")
echo "$CALLED" | j '["queueNumber"]'
TICKET=$(echo "$CALLED" | j '["ticketId"]')

echo "== the clerk scans the materials and takes the application in"
scan() {
  post /v1/uploads "$CLERK" "{\"fileName\":\"$1\",\"contentType\":\"image/jpeg\",\"size\":8}" | python3 -c "
import json, sys, urllib.request
u = json.load(sys.stdin)
put = urllib.request.Request(u['uploadUrl'], data=b'\xff\xd8\xff\xe0scan', method='PUT', headers=u['headers'])
urllib.request.urlopen(put).read()
print(u['objectKey'])"
}
K1=$(scan id.jpg); K2=$(scan photo.jpg)
NO=$(post /v1/applications "$CLERK" "{\"itemCode\":\"RSJ-0001\",\"channel\":\"window\",
  \"applicant\":{\"realName\":\"赵六\",\"idNumber\":\"$ID_NUMBER\",\"phone\":\"13700001234\"},
  \"form\":{\"applicantName\":\"赵六\",\"phone\":\"13700001234\"},
  \"materials\":[{\"code\":\"M-ID\",\"objectKey\":\"$K1\"},{\"code\":\"M-PHOTO\",\"objectKey\":\"$K2\"}]}" | j '["applicationNo"]')
echo "application $NO"
post "/v1/staff/queue/$TICKET/finish" "$CLERK" "{\"outcome\":\"served\",\"applicationNo\":\"$NO\"}" | j '["status"]'

echo "== the 人社局 approver opens a material, accepts, decides, completes, hands the result out"
RSJ=$(staff rsj)
KEY=$(python3 -c "import urllib.parse,sys; print(urllib.parse.quote(sys.argv[1], safe=''))" "$K1")
get "/v1/staff/applications/$NO/materials/$KEY" "$RSJ" | j '["expiresIn"]'
post "/v1/staff/applications/$NO/transitions" "$RSJ" '{"action":"accept","version":1}' | j '["status"]'
post "/v1/staff/applications/$NO/transitions" "$RSJ" '{"action":"decide","decision":"approve","basis":"《社会保险法》第五十八条","version":2}' | j '["subCases"][0]["decision"]["verdict"]'
post "/v1/staff/applications/$NO/transitions" "$RSJ" '{"action":"complete","version":3}' | j '["status"]'
post "/v1/staff/applications/$NO/delivery" "$RSJ" '{"method":"window"}' | j '["delivered"]'

echo "== the citizen's receipt, and the audit trails"
get "/v1/applications/$NO/receipt" "$TOKEN" | j '["title"]'
target/debug/fingertip-cli audit --user chuangkou
target/debug/fingertip-cli audit --user rsj
