"""Makes test/vectors/token03-python.json by running ZEGO's official Python token03 generator.

    python test/vectors/make_token03_vectors.py PATH/zego_server_assistant.py > test/vectors/token03-python.json

PATH/zego_server_assistant.py is token/python/token03/src/zego_server_assistant.py of ZEGO's
zego_server_assistant repository, checked out outside this project (needs pycryptodome). Nothing of it
is copied here: this only calls its generate_token and records what it returns, beside the inputs.
(Its privilege check takes only {1: 1, 2: 1}: a 0 reads as a missing key there.)
"""

import datetime
import importlib.util
import json
import sys

SECRET = "fa94dd0f974cf2e293728a526b028271"
OTHER_SECRET = "0123456789abcdef0123456789abcdef"
INPUTS = [
    (1, "room1", "demo", SECRET, 3600),
    (2913569222, "room_2", "user-2", OTHER_SECRET, 86400),
    (4294967295, "房间", "李雷", SECRET, 60),
    (7, "r!@#$%^&*()", "u~`;',.<>", OTHER_SECRET, 7200),
]


def main(path: str) -> None:
    spec = importlib.util.spec_from_file_location("official_token03", path)
    official = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(official)
    vectors = []
    for app_id, room_id, user_id, secret, effective in INPUTS:
        privilege = {1: 1, 2: 1}
        info = official.generate_token(app_id, room_id, user_id, privilege, secret, effective)
        assert info.error_code == 0, info.error_message
        vectors.append(
            {
                "app_id": app_id,
                "room_id": room_id,
                "user_id": user_id,
                "privilege": {"1": 1, "2": 1},
                "effective": effective,
                "secret": secret,
                "token": info.token,
            }
        )
    made = f"by running the official Python token03 generator, {datetime.date.today().isoformat()}"
    document = {
        "generator": "official-python token03 (generate_token)",
        "source": "github zegoim/zego_server_assistant token/python/token03/src/zego_server_assistant.py",
        "made": made,
        "vectors": vectors,
    }
    print(json.dumps(document, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main(sys.argv[1])
