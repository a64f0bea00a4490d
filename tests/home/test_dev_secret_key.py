"""`make run` signs sessions and cookies with a key of this checkout's own, never with a public one."""

import os
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from config.settings.base import checkout_secret_key

PROJECT = Path(__file__).resolve().parent.parent.parent
THE_OLD_PUBLIC_KEY = "dev-only-insecure-key-not-for-production"


def fresh_checkout(folder):
    """A folder holding the project's settings package, as a new clone has it (no `.secret-key` yet)."""
    shutil.copytree(
        PROJECT / "config" / "settings", folder / "config" / "settings", ignore=shutil.ignore_patterns("__pycache__")
    )
    (folder / "config" / "__init__.py").write_text("", encoding="utf-8")
    return folder


def dev_secret_key(checkout, **environment):
    """The SECRET_KEY the development settings of `checkout` give a new process."""
    result = subprocess.run(
        [sys.executable, "-c", "from config.settings import dev; print(dev.SECRET_KEY)"],
        cwd=checkout,
        env={"PATH": "/usr/bin:/bin", **environment},
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_dev_settings_make_a_private_key_file_on_the_first_start_and_reuse_it(tmp_path):
    checkout = fresh_checkout(tmp_path)
    first = dev_secret_key(checkout)
    key_file = checkout / ".secret-key"
    assert key_file.read_text(encoding="utf-8").strip() == first
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(first) >= 50
    assert first != THE_OLD_PUBLIC_KEY
    assert dev_secret_key(checkout) == first


def test_two_checkouts_get_different_keys(tmp_path):
    one = fresh_checkout(tmp_path / "one")
    other = fresh_checkout(tmp_path / "other")
    assert dev_secret_key(one) != dev_secret_key(other)


def test_secret_key_from_the_environment_wins_and_no_key_file_is_made(tmp_path):
    checkout = fresh_checkout(tmp_path)
    assert dev_secret_key(checkout, SECRET_KEY="from-the-environment") == "from-the-environment"
    assert not (checkout / ".secret-key").exists()


def test_the_settings_no_longer_contain_the_public_development_key():
    for module in (PROJECT / "config" / "settings").glob("*.py"):
        assert THE_OLD_PUBLIC_KEY not in module.read_text(encoding="utf-8"), module


def test_a_key_file_is_read_not_replaced(tmp_path):
    key_file = tmp_path / ".secret-key"
    key_file.write_text("a-key-made-earlier\n", encoding="utf-8")
    assert checkout_secret_key(key_file) == "a-key-made-earlier"
    assert key_file.read_text(encoding="utf-8") == "a-key-made-earlier\n"


def test_an_empty_key_file_gets_a_new_key(tmp_path):
    key_file = tmp_path / ".secret-key"
    key_file.write_text("", encoding="utf-8")
    key = checkout_secret_key(key_file)
    assert len(key) >= 50
    assert key_file.read_text(encoding="utf-8").strip() == key
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600


def test_no_temporary_files_are_left_behind(tmp_path):
    checkout_secret_key(tmp_path / ".secret-key")
    assert [path.name for path in tmp_path.iterdir()] == [".secret-key"]


def test_a_folder_that_cannot_be_written_gets_a_random_key_per_process_and_a_warning(tmp_path):
    # A regular file where the folder should be: nothing can be created below it, not even by root
    # (for whom a read-only folder is still writable).
    not_a_folder = tmp_path / "checkout"
    not_a_folder.write_text("", encoding="utf-8")
    with pytest.warns(RuntimeWarning, match="SECRET_KEY"):
        first = checkout_secret_key(not_a_folder / ".secret-key")
    with pytest.warns(RuntimeWarning, match="SECRET_KEY"):
        second = checkout_secret_key(not_a_folder / ".secret-key")
    assert len(first) >= 50
    assert first != second
    assert THE_OLD_PUBLIC_KEY not in (first, second)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write to a read-only folder")
def test_a_read_only_folder_gets_a_random_key_and_a_warning(tmp_path):
    read_only = tmp_path / "checkout"
    read_only.mkdir(mode=0o500)
    try:
        with pytest.warns(RuntimeWarning, match="SECRET_KEY"):
            key = checkout_secret_key(read_only / ".secret-key")
    finally:
        read_only.chmod(0o700)
    assert len(key) >= 50
    assert not (read_only / ".secret-key").exists()
