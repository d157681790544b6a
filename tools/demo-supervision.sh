#!/usr/bin/env bash
# 咨询投诉 and 督办 through the local stack (make run), with curl: a citizen files a complaint
# about 人社局 and a consultation that names nothing; the dispatcher (wecom-paidan) assigns the
# consultation to 人社局; the approver (wecom-rsj) replies to both; an unsatisfied rating
# reopens the complaint (重办). Then the supervisor (wecom-jiancha) issues a 督办单 about the
# complaint; the department answers, the supervisor returns it for more, the department
# answers again and the order is closed. Then an application left late: the sweep (run from
# the CLI as on a later morning) raises an alert (预警) and tells 市场监管局 by WeCom; the
# month's figures, and the order's audit trail (留痕).
set -euo pipefail
cd "$(dirname "$0")/.."
. tools/demo-common.sh
# The due date a week ahead, in Shanghai whatever the machine's zone.
DUE=$(TZ=Asia/Shanghai date -d '+7 days' +%F)

echo "== a citizen files a complaint and a consultation"
TOKEN=$(curl -sf -XPOST "$API/v1/auth/wechat" -H 'content-type: application/json' -d "{\"code\":\"feedback-demo-$RANDOM\"}" | j '["token"]')
curl -sf -XPUT "$API/v1/me/identity" -H "authorization: Bearer $TOKEN" -H 'content-type: application/json' \
  -d "{\"realName\":\"王五\",\"idNumber\":\"$(id_number)\",\"phone\":\"13700001234\"}" > /dev/null
COMPLAINT=$(post /v1/feedback "$TOKEN" '{"kind":"complaint","content":"社保卡补办窗口让我跑了三次，每次只说缺一样材料","about":{"deptCode":"RSJ"}}' | j '["feedbackNo"]')
QUESTION=$(post /v1/feedback "$TOKEN" '{"kind":"consultation","content":"灵活就业人员怎么参保？"}' | j '["feedbackNo"]')
echo "complaint $COMPLAINT (人社局's desk), consultation $QUESTION (dispatch)"

echo "== dispatch assigns the consultation; the approver replies to both"
PAIDAN=$(staff paidan); RSJ=$(staff rsj)
post "/v1/staff/feedback/$QUESTION/transitions" "$PAIDAN" '{"action":"assign","deptCode":"RSJ","note":"参保政策，转人社局"}' | j '["status"]'
post "/v1/staff/feedback/$QUESTION/transitions" "$RSJ" '{"action":"reply","note":"可携身份证到中心大厅或在小程序办理灵活就业参保登记"}' | j '["status"]'
post "/v1/staff/feedback/$COMPLAINT/transitions" "$RSJ" '{"action":"reply","note":"已核实，系窗口未一次性告知，已致歉"}' | j '["status"]'
echo "== the citizen is not satisfied: the complaint is handled again (重办)"
post "/v1/feedback/$COMPLAINT/rating" "$TOKEN" '{"result":"unsatisfied","comment":"只道歉，没解决"}' | j '["status"]'

echo "== the supervisor issues a 督办单 about it, due $DUE"
JIANCHA=$(staff jiancha)
ORDER=$(post /v1/supervision/orders "$JIANCHA" "{\"subject\":{\"feedbackNo\":\"$COMPLAINT\"},\"deptCode\":\"RSJ\",
  \"instruction\":\"群众对答复不满意，请查明多次补正原因，整改一次性告知清单并书面答复\",\"dueDate\":\"$DUE\"}" | j '["id"]')
echo "order $ORDER; 人社局's orders:"
get "/v1/staff/supervision-orders?status=issued" "$RSJ" | j '["items"][0]["id"]'
post "/v1/staff/supervision-orders/$ORDER/response" "$RSJ" '{"note":"已约谈窗口负责人，补办当场办结"}' | j '["status"]'
post "/v1/supervision/orders/$ORDER/return" "$JIANCHA" '{"note":"请补充一次性告知清单的修订情况"}' | j '["status"]'
post "/v1/staff/supervision-orders/$ORDER/response" "$RSJ" '{"note":"清单已修订并在大厅和小程序公示"}' | j '["status"]'
post "/v1/supervision/orders/$ORDER/close" "$JIANCHA" '{"note":"整改到位，予以办结"}' | j '["status"]'

echo "== an application 市场监管局 accepted and left: the sweep a week on finds it late (预警)"
NO=$(post /v1/applications "$TOKEN" '{"itemCode":"SCJG-0001","form":{"applicantName":"王五","phone":"13700001234"},"materials":[]}' | j '["applicationNo"]')
SCJG=$(staff scjg)
post "/v1/staff/applications/$NO/transitions" "$SCJG" '{"action":"accept","version":1}' > /dev/null
LATER=$(TZ=Asia/Shanghai date -d '+7 days' +%F)
cargo run -q -p fingertip-cli -- sweep --date "$LATER" | tail -1 | python3 -c "import json,sys; print('deadlines:', json.load(sys.stdin)['deadlines'])"
get "/v1/supervision/alerts?unit=SCJG" "$JIANCHA" \
  | python3 -c "import json,sys; [print(a['id'], a['status'], [s['action'] for s in a['steps']]) for a in json.load(sys.stdin)['items']]"
echo "WeCom messages the sandbox received:"
curl -sf localhost:3001/_sandbox/sent | python3 -c "
import json,sys
for s in json.load(sys.stdin)['items']:
    if s.get('api') == 'wecom': print(' ', s['message']['touser'], s['message']['text']['content'][:60])"

echo "== the figures this month: 人社局's row, and the district's received per day"
get "/v1/supervision/overview?from=$(TZ=Asia/Shanghai date +%Y-%m-01)&dept=RSJ" "$JIANCHA" \
  | python3 -c "import json,sys; r=json.load(sys.stdin)['district']; print({k: r[k] for k in ('received','accepted','completed','feedbackReceived','feedbackReplied','feedbackOpen')})"
get "/v1/supervision/trends?metric=feedbackReceived" "$JIANCHA" \
  | python3 -c "import json,sys; print([(p['date'], p['value']) for p in json.load(sys.stdin)['points'] if p['value']])"

echo "== the order's audit trail, newest first"
get "/v1/supervision/audit?subject=order:$ORDER" "$JIANCHA" \
  | python3 -c "import json,sys; [print(r['at'], r['action'], r['roles'], r.get('reason','')) for r in json.load(sys.stdin)['items']]"
