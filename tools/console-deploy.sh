#!/usr/bin/env bash
# Uploads the built console (console/dist) and the API docs to a deployed stack's bucket, with
# the config.json that points the console at that stack's API and WeCom application, then
# invalidates what must not be served stale. Needs the AWS CLI and credentials for the stack's
# account and region. DRY_RUN=1 prints the commands instead of running them.
#
#   tools/console-deploy.sh <stack-name>
#   WECOM_AUTHORIZE_URL=https://<政务微信 host>/connect/oauth2/authorize tools/console-deploy.sh <stack>
set -euo pipefail
cd "$(dirname "$0")/.."

stack="${1:?usage: tools/console-deploy.sh <stack-name>}"
dist=console/dist
test -f "$dist/index.html" || { echo "build the console first: make console" >&2; exit 1; }

run() { if [[ "${DRY_RUN:-}" == 1 ]]; then echo "+ $*"; else "$@"; fi; }
output() {
  if [[ "${DRY_RUN:-}" == 1 ]]; then echo "<$1>"; return; fi
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Outputs[?OutputKey=='$1'].OutputValue" --output text
}
parameter() {
  if [[ "${DRY_RUN:-}" == 1 ]]; then echo "<$1>"; return; fi
  aws cloudformation describe-stacks --stack-name "$stack" \
    --query "Stacks[0].Parameters[?ParameterKey=='$1'].ParameterValue" --output text
}

bucket="$(output ConsoleBucket)"
distribution="$(output ConsoleDistributionId)"
api="$(output ApiUrl)"
# Staff open the console from the 政务微信 workbench, whose browser signs them in here; a
# private 政务微信 deployment has its own host for the same page.
authorize="${WECOM_AUTHORIZE_URL:-https://open.weixin.qq.com/connect/oauth2/authorize}"

config="$(mktemp)"
trap 'rm -f "$config"' EXIT
printf '{"apiBase":"%s","wecom":{"authorizeUrl":"%s","corpId":"%s","agentId":"%s"}}\n' \
  "$api" "$authorize" "$(parameter WecomCorpId)" "$(parameter WecomAgentId)" > "$config"

# Hashed assets first and for good; then the pages that name them, never cached stale.
run aws s3 sync "$dist/assets" "s3://$bucket/console/assets" --cache-control "public,max-age=31536000,immutable"
run aws s3 sync "$dist" "s3://$bucket/console" --exclude "assets/*" --exclude "docs/*" --exclude ".vite/*" \
  --exclude "budget.json" --cache-control "no-cache"
run aws s3 cp "$config" "s3://$bucket/console/config.json" --content-type application/json --cache-control "no-cache"
run aws s3 sync "$dist/docs" "s3://$bucket/docs" --cache-control "no-cache"
run aws cloudfront create-invalidation --distribution-id "$distribution" \
  --paths "/console/index.html" "/console/config.json" "/docs/*"
echo "console: $(output ConsoleUrl)"
