"""Upstream's create_database over the fixture pages, with the fixture overrides.

Usage, in a Python environment with policy_sentry 0.15.2 installed:
    python3 upstream-parse.py pages access-level-overrides.yml upstream-iam-definition.json
"""
import sys, tempfile, shutil
from pathlib import Path
import policy_sentry.shared.awsdocs as awsdocs
pages, overrides, out = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
awsdocs.LOCAL_HTML_DIRECTORY_PATH = pages
with tempfile.TemporaryDirectory() as tmp:
    awsdocs.create_database(tmp, overrides)
    shutil.copy(Path(tmp) / "iam-definition.json", out)
