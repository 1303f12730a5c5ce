"""Fixtures of inbox: a private Dovecot IMAP server, e-mails to deliver, files in a temp dir."""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from imapclient import IMAPClient

SBIN_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/sbin"])


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    """Raw e-mails and attachments are written under a temporary MEDIA_ROOT."""
    settings.MEDIA_ROOT = str(tmp_path / "media")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class ImapServer:
    host: str
    port: int
    username: str
    password: str
    log: Path

    def client(self) -> IMAPClient:
        client = IMAPClient(self.host, port=self.port, ssl=False, timeout=5)
        client.login(self.username, self.password)
        return client

    def deliver(self, raw: bytes, folder: str = "INBOX") -> int:
        """Put a message in the mailbox (IMAP APPEND, as a mail server would); its UID."""
        with self.client() as client:
            response = client.append(folder, raw)
        # b"[APPENDUID <uidvalidity> <uid>] Append completed."
        text = response.decode() if isinstance(response, bytes) else str(response)
        return int(text.split("APPENDUID", 1)[1].split("]", 1)[0].split()[1])

    def flags(self, uid: int, folder: str = "INBOX") -> tuple[bytes, ...]:
        with self.client() as client:
            client.select_folder(folder, readonly=True)
            return tuple(client.get_flags([uid]).get(uid, ()))


CONFIG = """
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
auth_failure_delay = 0
default_internal_user = {internal_user}
default_internal_group = {internal_group}
default_login_user = {login_user}
first_valid_uid = 1
first_valid_gid = 1
mail_location = maildir:{root}/home/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_uid} gid={mail_gid} home={root}/home/%u
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service auth {{
  user = {auth_user}
}}
service stats {{
  unix_listener stats-reader {{
    user = {auth_user}
  }}
  unix_listener stats-writer {{
    user = {auth_user}
  }}
}}
"""


def _accounts() -> dict[str, object]:
    """Who each Dovecot process runs as: the current user, or (as root) Debian's own users."""
    me = pwd.getpwuid(os.getuid())
    if os.getuid() != 0:
        group = me.pw_gid
        import grp

        group_name = grp.getgrgid(group).gr_name
        return {
            "internal_user": me.pw_name,
            "internal_group": group_name,
            "login_user": me.pw_name,
            "auth_user": me.pw_name,
            "mail_uid": me.pw_uid,
            "mail_gid": me.pw_gid,
        }
    # Dovecot refuses to run its login process or to store mail as root.
    nobody = pwd.getpwnam("nobody")
    return {
        "internal_user": "dovecot",
        "internal_group": "dovecot",
        "login_user": "dovenull",
        "auth_user": "root",
        "mail_uid": nobody.pw_uid,
        "mail_gid": nobody.pw_gid,
    }


@pytest.fixture
def imap_server() -> Iterator[ImapServer]:
    """A private Dovecot on a free 127.0.0.1 port, with one user; stopped after the test."""
    binary = shutil.which("dovecot", path=SBIN_PATH)
    if binary is None:
        if os.environ.get("CI"):
            pytest.fail("Dovecot introuvable : la CI doit installer dovecot-imapd.")
        pytest.skip("Dovecot introuvable (apt-get install dovecot-imapd)")
    root = Path(tempfile.mkdtemp(prefix="comptoir-dovecot-"))
    os.chmod(root, 0o755)  # Dovecot's unprivileged processes go through it
    accounts = _accounts()
    for name in ("run", "state", "home"):
        (root / name).mkdir()
    if os.getuid() == 0:
        os.chown(root / "home", int(str(accounts["mail_uid"])), int(str(accounts["mail_gid"])))
    username, password = "support@duret.example", "mot-de-passe-imap"
    (root / "passwd").write_text(f"{username}:{{PLAIN}}{password}\n")
    port = _free_port()
    config = root / "dovecot.conf"
    config.write_text(CONFIG.format(root=root, port=port, **accounts))
    output = (root / "stdout.log").open("wb")
    process = subprocess.Popen(
        [binary, "-F", "-c", str(config)], stdout=output, stderr=subprocess.STDOUT
    )
    server = ImapServer("127.0.0.1", port, username, password, root / "dovecot.log")
    try:
        deadline = time.monotonic() + 15
        while True:
            if process.poll() is not None:
                log = (root / "stdout.log").read_text(errors="replace")
                pytest.fail(f"Dovecot s'est arrêté au démarrage : {log[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as probe:
                    if probe.recv(64).startswith(b"* OK"):
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail("Dovecot ne répond pas après 15 s.")
            time.sleep(0.05)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        output.close()
        shutil.rmtree(root, ignore_errors=True)
