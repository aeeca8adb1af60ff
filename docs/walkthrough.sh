#!/usr/bin/env bash
# A tenant's first cluster with curl only: log in to Cloud Director, make an API token for the cluster, create the
# cluster through /api/cse/v1, wait until it is Ready, download its kubeconfig, list its nodes with kubectl, delete
# it, and check that nothing is left. Needs bash, curl, python3 (to read JSON) and kubectl (optional).
# The defaults fit `npm start`; point it elsewhere with the variables below.
set -euo pipefail

VCD_URL=${VCD_URL:-http://127.0.0.1:8443}
VCD_API_VERSION=${VCD_API_VERSION:-37.2}
ORG=${ORG:-acme}
VCD_USER=${VCD_USER:-acme-author}
VCD_PASSWORD=${VCD_PASSWORD:-VMware1!}
CLUSTER_NAME=${CLUSTER_NAME:-demo}
KUBERNETES_VERSION=${KUBERNETES_VERSION:-v1.28.11}
ORG_VDC=${ORG_VDC:-$ORG-vdc}
NETWORK=${NETWORK:-$ORG-k8s-net}
SIZING_POLICY=${SIZING_POLICY:-TKG small}
WAIT_SECONDS=${WAIT_SECONDS:-1800}
KUBECONFIG_FILE=${KUBECONFIG_FILE:-$CLUSTER_NAME.kubeconfig.yaml}

# Prints one field of the JSON document on stdin, e.g. `json status.phase` or `json values.0.name`.
json() {
  python3 -c '
import json, sys
value = json.load(sys.stdin)
for key in sys.argv[1].split("."):
    value = value[int(key)] if isinstance(value, list) else value.get(key)
print(value)' "$1"
}

CSE="$VCD_URL/api/cse/v1"

echo "== 1. log in as $VCD_USER@$ORG"
TOKEN=$(curl -sS --fail-with-body -X POST -u "$VCD_USER@$ORG:$VCD_PASSWORD" \
  -H "Accept: application/json;version=$VCD_API_VERSION" -o /dev/null -D - \
  "$VCD_URL/cloudapi/1.0.0/sessions" |
  tr -d '\r' | awk -F': ' 'tolower($1) == "x-vmware-vcloud-access-token" { print $2 }')
[ -n "$TOKEN" ] || { echo "the login answered no X-VMWARE-VCLOUD-ACCESS-TOKEN" >&2; exit 1; }
AUTH="Authorization: Bearer $TOKEN"

echo "== 2. make an API token for the cluster (VCD's OAuth client registration, then the token exchange)"
CLIENT_ID=$(curl -sS --fail-with-body -X POST -H "$AUTH" -H 'Content-Type: application/json' \
  -H 'Accept: application/json' -d "{\"client_name\": \"cse-cluster-$CLUSTER_NAME\"}" \
  "$VCD_URL/oauth/tenant/$ORG/register" | json client_id)
API_TOKEN=$(curl -sS --fail-with-body -X POST -H 'Accept: application/json' \
  --data-urlencode 'grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer' \
  --data-urlencode "assertion=$TOKEN" --data-urlencode "client_id=$CLIENT_ID" \
  "$VCD_URL/oauth/tenant/$ORG/token" | json refresh_token)
# VCD names the token after the client; its id lets CSE revoke it when the cluster is deleted.
API_TOKEN_ID=$(curl -sS --fail-with-body -H "$AUTH" -H "Accept: application/json;version=$VCD_API_VERSION" \
  "$VCD_URL/cloudapi/1.0.0/tokens?filter=name==cse-cluster-$CLUSTER_NAME" | json values.0.id)
echo "API token $API_TOKEN_ID"

echo "== 3. pick the Kubernetes $KUBERNETES_VERSION template published to $ORG"
TEMPLATE=$(curl -sS --fail-with-body -H "$AUTH" -H 'Accept: application/json' "$CSE/templates" |
  python3 -c '
import json, sys
names = [t["name"] for t in json.load(sys.stdin)["values"] if t["kubernetesVersion"].startswith(sys.argv[1] + "+")]
print(names[0] if names else "")' "$KUBERNETES_VERSION")
[ -n "$TEMPLATE" ] || { echo "no template for Kubernetes $KUBERNETES_VERSION is published to $ORG" >&2; exit 1; }
echo "template $TEMPLATE"

echo "== 4. create the cluster"
cat > cluster.json <<EOF
{
  "name": "$CLUSTER_NAME",
  "orgVdc": "$ORG_VDC",
  "network": "$NETWORK",
  "template": "$TEMPLATE",
  "controlPlane": { "count": 1, "diskGiB": 20, "sizingPolicy": "$SIZING_POLICY" },
  "workerPools": [{ "name": "workers", "count": 2, "diskGiB": 20, "sizingPolicy": "$SIZING_POLICY" }],
  "ingress": { "contour": { "enabled": true } },
  "apiToken": "$API_TOKEN",
  "apiTokenId": "$API_TOKEN_ID"
}
EOF
CLUSTER_ID=$(curl -sS --fail-with-body -X POST -H "$AUTH" -H 'Content-Type: application/json' \
  -H 'Accept: application/json' --data @cluster.json "$CSE/clusters" | json id)
rm cluster.json
echo "cluster $CLUSTER_ID accepted"

echo "== 5. wait until it is Ready"
deadline=$((SECONDS + WAIT_SECONDS))
while :; do
  PHASE=$(curl -sS --fail-with-body -H "$AUTH" -H 'Accept: application/json' "$CSE/clusters/$CLUSTER_ID" |
    json status.phase)
  echo "phase $PHASE"
  [ "$PHASE" = Ready ] && break
  if [ "$PHASE" = Failed ] || [ "$SECONDS" -ge "$deadline" ]; then
    curl -sS -H "$AUTH" -H 'Accept: application/json' "$CSE/clusters/$CLUSTER_ID/events" >&2
    echo "the cluster did not become Ready" >&2
    exit 1
  fi
  sleep 2
done

echo "== 6. download the kubeconfig and list the nodes"
curl -sS --fail-with-body -H "$AUTH" -H 'Accept: application/json' "$CSE/clusters/$CLUSTER_ID/kubeconfig" |
  json kubeconfig > "$KUBECONFIG_FILE"
chmod 600 "$KUBECONFIG_FILE"
if command -v kubectl > /dev/null; then
  kubectl --kubeconfig "$KUBECONFIG_FILE" get nodes
else
  echo "kubectl is not installed; the kubeconfig is in $KUBECONFIG_FILE"
fi

echo "== 7. the cluster's events"
curl -sS --fail-with-body -H "$AUTH" -H 'Accept: application/json' "$CSE/clusters/$CLUSTER_ID/events" |
  python3 -c '
import json, sys
for event in json.load(sys.stdin)["values"]:
    print(event["time"], event["reason"])'

echo "== 8. delete the cluster and wait until it is gone"
curl -sS --fail-with-body -X DELETE -H "$AUTH" -H 'Accept: application/json' "$CSE/clusters/$CLUSTER_ID" > /dev/null
deadline=$((SECONDS + WAIT_SECONDS))
until [ "$(curl -sS -o /dev/null -w '%{http_code}' -H "$AUTH" -H 'Accept: application/json' \
  "$CSE/clusters/$CLUSTER_ID")" = 404 ]; do
  [ "$SECONDS" -lt "$deadline" ] || { echo "the cluster was not deleted in time" >&2; exit 1; }
  sleep 2
done
rm -f "$KUBECONFIG_FILE"

echo "== 9. check that nothing is left"
LEFT_CLUSTERS=$(curl -sS --fail-with-body -H "$AUTH" -H 'Accept: application/json' \
  "$CSE/clusters?name=$CLUSTER_NAME" | json resultTotal)
LEFT_TOKENS=$(curl -sS --fail-with-body -H "$AUTH" -H "Accept: application/json;version=$VCD_API_VERSION" \
  "$VCD_URL/cloudapi/1.0.0/tokens?filter=name==cse-cluster-$CLUSTER_NAME" | json resultTotal)
LEFT_VAPPS=$(curl -sS --fail-with-body -H "$AUTH" -H "Accept: application/*+json;version=$VCD_API_VERSION" \
  "$VCD_URL/api/query?type=vApp&format=records&filter=name==$CLUSTER_NAME" | json total)
echo "clusters named $CLUSTER_NAME: $LEFT_CLUSTERS, API tokens for it: $LEFT_TOKENS, vApps: $LEFT_VAPPS"
[ "$LEFT_CLUSTERS$LEFT_TOKENS$LEFT_VAPPS" = 000 ] || { echo "something was left behind" >&2; exit 1; }
echo "== done: $CLUSTER_NAME was created, became Ready, was deleted, and nothing is left"
