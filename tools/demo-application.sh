#!/usr/bin/env bash
# A citizen applies for 社会保障卡申领 through the local stack (make run): log in, bind an
# identity, upload two materials, submit; staff accept and ask for a correction; the
# citizen corrects; staff complete. Prints each status, the timeline and the public lookup.
set -euo pipefail
cd "$(dirname "$0")/.."
j() { python3 -c "import json,sys;print(json.load(sys.stdin)$1)"; }
TOKEN=$(curl -s -XPOST localhost:3000/v1/auth/wechat -H 'content-type: application/json' -d '{"code":"alice"}' | j '["token"]')
curl -s -XPUT localhost:3000/v1/me/identity -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d '{"realName":"张三","idNumber":"11010519491231002X","phone":"13812345678"}' > /dev/null
upload() {
  U=$(curl -s -XPOST localhost:3000/v1/uploads -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "{\"fileName\":\"$1\",\"contentType\":\"image/jpeg\",\"size\":5}")
  curl -s -XPUT "$(echo "$U" | j '["uploadUrl"]')" -H 'content-type: image/jpeg' -H 'x-amz-tagging: state=pending' --data-binary 'hello' -o /dev/null
  echo "$U" | j '["objectKey"]'
}
K1=$(upload id.jpg); K2=$(upload photo.jpg)
A=$(curl -s -XPOST localhost:3000/v1/applications -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "{\"itemCode\":\"RSJ-0001\",\"form\":{\"applicantName\":\"张三\",\"phone\":\"13812345678\"},\"materials\":[{\"code\":\"M-ID\",\"objectKey\":\"$K1\"},{\"code\":\"M-PHOTO\",\"objectKey\":\"$K2\"}]}")
NO=$(echo "$A" | j '["applicationNo"]'); echo "application $NO"
STAFF=$(target/debug/fingertip-cli token --role staff --dept RSJ)
curl -s -XPOST localhost:3000/v1/staff/applications/$NO/transitions -H "authorization: Bearer $STAFF" -H 'content-type: application/json' -d '{"action":"accept","note":"材料齐全","version":1}' | j '["status"], end=" "'; echo
curl -s -XPOST localhost:3000/v1/staff/applications/$NO/transitions -H "authorization: Bearer $STAFF" -H 'content-type: application/json' -d '{"action":"request_correction","note":"照片不清晰","correctionItems":["近期免冠证件照"],"reasonCode":"materials_nonconforming","version":2}' | j '["status"]'
K3=$(upload photo2.jpg)
curl -s -XPOST localhost:3000/v1/applications/$NO/corrections -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' -d "{\"materials\":[{\"code\":\"M-PHOTO\",\"objectKey\":\"$K3\"}]}" | j '["status"]'
curl -s -XPOST localhost:3000/v1/staff/applications/$NO/transitions -H "authorization: Bearer $STAFF" -H 'content-type: application/json' -d '{"action":"complete","note":"已制卡","version":4}' | j '["status"]'
curl -s localhost:3000/v1/applications/$NO -H "authorization: Bearer $TOKEN" | j '["timeline"]'
curl -s "localhost:3000/v1/progress?applicationNo=$NO&phoneLast4=5678"; echo
