"""README's "Where things are" names every top-level folder, so a newcomer finds each one."""

import re
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]


def tracked_top_level_folders() -> set[str]:
    files = subprocess.run(["git", "ls-files"], cwd=REPO, capture_output=True, text=True, check=True).stdout
    return {line.split("/", 1)[0] for line in files.splitlines() if "/" in line}


def folders_in_readme() -> set[str]:
    section = REPO.joinpath("README.md").read_text().split("## Where things are", 1)[1]
    return {name for cell in re.findall(r"^\| ([^|]+) \|", section, re.M) for name in re.findall(r"`([^`/]+)/`", cell)}


def test_every_top_level_folder_is_in_the_readme():
    assert tracked_top_level_folders() - folders_in_readme() == set()
