"""One cold start, for bench/run.py: this fresh process imports a client package, builds a client and places one
CreateAICall over TLS on the emulator, then exits; run.py times it from spawn to exit.

    python cold_start.py IMPL ENDPOINT CA_FILE PARAMS_JSON

IMPL is `ours` (ccc_aicall; PARAMS_JSON holds create_ai_call's keywords) or `official`
(tencentcloud-sdk-python-ccc; PARAMS_JSON is the wire request). The first call pays the TLS handshake; the
throwaway CA of the emulator is trusted the way each SDK documents (`ca_file`, `HttpProfile(certification=...)`).
Prints the SessionId. Nothing else is imported here, so that what the process spends beyond the bare interpreter
is the package's.
"""

import sys

SECRET_ID = "AKIDccclocalemulatortestid00000000"
SECRET_KEY = "ccc-local-emulator-test-secret-key"


def ours(endpoint, ca_file, text):
    import json

    import ccc_aicall

    client = ccc_aicall.Client(endpoint=endpoint, secret_id=SECRET_ID, secret_key=SECRET_KEY, ca_file=ca_file)
    return client.create_ai_call(**json.loads(text)).session_id


def official(endpoint, ca_file, text):
    from tencentcloud.ccc.v20200210 import ccc_client, models
    from tencentcloud.common import credential
    from tencentcloud.common.profile.client_profile import ClientProfile
    from tencentcloud.common.profile.http_profile import HttpProfile

    # API.md section 8: the Python SDK signs exactly the host it sends, port included.
    http = HttpProfile(protocol="https", endpoint=endpoint.split("://", 1)[1], certification=ca_file)
    client = ccc_client.CccClient(credential.Credential(SECRET_ID, SECRET_KEY), "", ClientProfile(httpProfile=http))
    request = models.CreateAICallRequest()
    request.from_json_string(text)
    return client.CreateAICall(request).SessionId


if __name__ == "__main__":
    impl, endpoint, ca_file, params = sys.argv[1:]
    with open(params, encoding="utf-8") as f:
        text = f.read()
    print((ours if impl == "ours" else official)(endpoint, ca_file, text))
