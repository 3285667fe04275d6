#!/usr/bin/env bash
# The seed tutorial's flow (shared/seed), command for command, with `courier` in place of
# `java -jar rescale.jar`. Inputs: RESCALE_CLI (the command), RESCALE_URL, RESCALE_API_TOKEN, WORK_DIR.
set -euo pipefail
cd "$WORK_DIR"

cat << EOF > run_chainer_from_API.sh
#!/bin/sh
wget https://github.com/pfnet/chainer/archive/v1.22.0.tar.gz
tar xzf v1.22.0.tar.gz
python chainer-1.22.0/examples/mnist/train_mnist.py -g 0

EOF
FILENAME='run_chainer_from_API.sh'

JSON=$($RESCALE_CLI \
-X ${RESCALE_URL}/ \
--quiet upload \
-p ${RESCALE_API_TOKEN} \
-f ${FILENAME} \
-e) && echo ${JSON}

FILE_ID=$(echo ${JSON} | jq -r .files[].id) && echo ${FILE_ID}

cat << EOF > rescale.json
{
    "name": "Hello Chainer!",
    "jobanalyses": [
        {
            "useMpi": "true",
            "command": "./${FILENAME}",
            "analysis": {
                "code": "chainer",
                "name": "Chainer",
                "version": "1.22.0-cuda8-gpu-centos"
            },
            "hardware": {
                "coresPerSlot": 2,
                "slots": 1,
                "coreType": "obsidian"
            },
            "inputFiles": [
                {
                    "id":"${FILE_ID}"
                }
            ]

        }
    ],
    "isLowPriority": "true"
}
EOF
MY_JSON=$(cat rescale.json)

JOB_JSON=$(curl -s -X POST \
-H "Authorization: Token ${RESCALE_API_TOKEN}" \
-H "Content-Type: application/json" \
${RESCALE_URL}/api/v2/jobs/ \
-d "${MY_JSON}") && echo ${JOB_JSON}
JOB_ID=$(echo ${JOB_JSON} | jq -r .id) && echo ${JOB_ID}

curl -s -X POST -H "Authorization: Token ${RESCALE_API_TOKEN}" \
${RESCALE_URL}/api/v2/jobs/${JOB_ID}/submit/

# Poll until Completed, as a person re-running the statuses command would.
for i in $(seq 1 120); do
  STATUS=$(curl -s -H "Authorization: Token ${RESCALE_API_TOKEN}" \
  ${RESCALE_URL}/api/v2/jobs/${JOB_ID}/statuses/ | jq -r '.results[0].status')
  [ "$STATUS" = "Completed" ] && break
  sleep 1
done
echo "STATUS=${STATUS}"

DOWNLOAD_FILES="*.log"
$RESCALE_CLI \
-X ${RESCALE_URL}/ sync \
-p "${RESCALE_API_TOKEN}" -j "${JOB_ID}" -f "${DOWNLOAD_FILES}"

ls rescale_job_*
echo "JOB_ID=${JOB_ID}"
