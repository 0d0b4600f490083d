"""A PostgreSQL primary and streaming replicas of it in a temporary folder, for the tests that
need real replication (tests/replicas).

Made with the installed PostgreSQL's own tools: `initdb` for the primary, `pg_basebackup -R`
for each replica, `pg_ctl` to start and stop them. Everything listens on 127.0.0.1 only, on
ports of its own, with its sockets in the folder, so the machine's own clusters are never
touched. PostgreSQL refuses to run as root, so when the tests run as root (CI does) its
commands run as `nobody`, which owns the folder.

Every statement is logged (`log_statement = all`) to each node's log file: a test tells which
node served a request by looking for a word only that request sent.
"""

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

DATABASE = "healthcms"
# The PostgreSQL ports the lead gave this suite; the first free ones are taken.
PORTS = range(55400, 55450)
UNPRIVILEGED_USER = "nobody"
TOOLS = ("initdb", "pg_ctl", "pg_basebackup", "postgres")

PRIMARY_SETTINGS = {
    "listen_addresses": "'127.0.0.1'",
    "wal_level": "replica",
    "max_wal_senders": "10",
    "hot_standby": "on",
    # A stopped replica catches up from the primary's WAL when it starts again.
    "wal_keep_size": "'256MB'",
    "max_connections": "60",
    "shared_buffers": "'32MB'",
    "log_statement": "'all'",
    "log_line_prefix": "'%m [%p] %a '",
    # The data is thrown away with the folder: no need to wait for the disk.
    "fsync": "off",
    "full_page_writes": "off",
}


def bin_dir():
    """The folder of the installed PostgreSQL's server tools, or None."""
    candidates = []
    if pg_config := shutil.which("pg_config"):
        output = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True).stdout
        candidates.append(Path(output.strip()))
    candidates += sorted(
        Path("/usr/lib/postgresql").glob("*/bin"),
        key=lambda folder: int(folder.parent.name) if folder.parent.name.isdecimal() else 0,
        reverse=True,
    )
    for folder in candidates:
        if all((folder / tool).exists() for tool in TOOLS):
            return folder
    return None


def free_port(ports, taken=()):
    for port in ports:
        if port in taken:
            continue
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError(f"No free port in {ports.start}-{ports.stop - 1}.")


def lsn_number(text):
    """A WAL position as PostgreSQL writes it ("0/3000148") as a number that compares."""
    high, low = text.split("/")
    return (int(high, 16) << 32) + int(low, 16)


@dataclass
class Node:
    """One PostgreSQL server of the cluster."""

    name: str
    port: int
    data: Path
    log: Path
    frozen: list = field(default_factory=list)  # the pids stopped by freeze()

    @property
    def url(self):
        return f"postgres://postgres@127.0.0.1:{self.port}/{DATABASE}"

    def query(self, sql, *params, database=DATABASE):
        """The first row of `sql`, run in a connection of its own."""
        with psycopg.connect(
            host="127.0.0.1",
            port=self.port,
            user="postgres",
            dbname=database,
            autocommit=True,
            connect_timeout=5,
        ) as connection:
            cursor = connection.execute(sql, params or None)
            return cursor.fetchone() if cursor.description else None

    def served(self, word):
        """Whether a statement containing `word` reached this server."""
        return word in self.log.read_text(errors="replace")

    def log_size(self):
        return self.log.stat().st_size if self.log.exists() else 0

    def logged_since(self, size):
        """What the server logged after its log had `size` bytes."""
        with self.log.open("rb") as log:
            log.seek(size)
            return log.read().decode(errors="replace")

    def pids(self):
        """The postmaster's pid and those of its children."""
        postmaster = int((self.data / "postmaster.pid").read_text().split()[0])
        return [postmaster, *children_of(postmaster)]


def children_of(pid):
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            # The command name, in parentheses, may hold spaces: the fields after it are fixed.
            after_name = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue  # the process ended meanwhile
        if int(after_name[1]) == pid:
            children.append(int(stat.parent.name))
    return children


class Cluster:
    """A primary and `replicas` streaming replicas under `root` (a new temporary folder)."""

    def __init__(self, replicas=1, primary_settings=None):
        self.tools = bin_dir()
        if self.tools is None:
            raise FileNotFoundError(
                "PostgreSQL's server tools (initdb, pg_ctl…) are not installed."
            )
        self.root = Path(tempfile.mkdtemp(prefix="healthcms-replicas-"))
        self.as_user = os.geteuid() == 0
        if self.as_user:
            shutil.chown(self.root, UNPRIVILEGED_USER)
        self.settings = PRIMARY_SETTINGS | (primary_settings or {})
        ports = []
        for _ in range(1 + replicas):
            ports.append(free_port(PORTS, taken=ports))
        self.primary = self._node("primary", ports[0])
        self.replicas = [
            self._node(f"replica{number}", port) for number, port in enumerate(ports[1:], start=1)
        ]

    def _node(self, name, port):
        return Node(name=name, port=port, data=self.root / name, log=self.root / f"{name}.log")

    @property
    def nodes(self):
        return [self.primary, *self.replicas]

    # Starting and stopping the whole cluster ----------------------------------------------

    def start(self):
        self._run(
            "initdb", "-D", self.primary.data, "-U", "postgres", "--auth=trust",
            "--encoding=UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        self._configure(self.primary, self.settings)
        (self.primary.data / "pg_hba.conf").write_text(
            "local all all trust\n"
            "local replication all trust\n"
            "host all all 127.0.0.1/32 trust\n"
            "host replication all 127.0.0.1/32 trust\n"
        )
        self._start_on_a_free_port(self.primary)
        self.primary.query(f"CREATE DATABASE {DATABASE}", database="postgres")
        for replica in self.replicas:
            self._run(
                "pg_basebackup", "-D", replica.data, "-R", "-X", "stream", "--no-sync",
                "--checkpoint=fast",
                "-h", "127.0.0.1", "-p", str(self.primary.port), "-U", "postgres",
            )  # fmt: skip
            # The walreceiver names itself after cluster_name in pg_stat_replication.
            self._configure(replica, {"cluster_name": f"'{replica.name}'"})
            self._start_on_a_free_port(replica)
        for replica in self.replicas:
            self.wait_streaming(replica)

    def close(self):
        """Stop every server at once and delete the folder, whatever state they are in."""
        try:
            for node in reversed(self.nodes):
                self.thaw(node)
                if (node.data / "postmaster.pid").exists():
                    self._run(
                        "pg_ctl", "-D", node.data, "-m", "immediate", "-w", "stop", check=False
                    )
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def restore(self):
        """Every replica running, thawed, replaying and caught up with the primary."""
        for replica in self.replicas:
            self.thaw(replica)
            if not (replica.data / "postmaster.pid").exists():
                self.start_node(replica)
            self.resume_replay(replica)
        for replica in self.replicas:
            self.wait_streaming(replica)
            self.wait_caught_up(replica)

    # Controls ------------------------------------------------------------------------------

    def start_node(self, node):
        self._run("pg_ctl", "-D", node.data, "-l", node.log, "-w", "-t", "30", "start")

    def stop(self, node):
        self._run("pg_ctl", "-D", node.data, "-m", "fast", "-w", "stop")

    def pause_replay(self, replica):
        """Stop applying WAL: the replica keeps receiving it but shows the old data. The
        request takes effect before the next record is applied (the state may read "pause
        requested" until WAL arrives)."""
        replica.query("SELECT pg_wal_replay_pause()")

    def resume_replay(self, replica):
        replica.query("SELECT pg_wal_replay_resume()")

    def freeze(self, node):
        """SIGSTOP the server and all its processes: it accepts TCP connections (the kernel
        does) but answers nothing, like a machine that hangs."""
        node.frozen = node.pids()
        for pid in node.frozen:
            os.kill(pid, signal.SIGSTOP)

    def thaw(self, node):
        for pid in node.frozen:
            with contextlib.suppress(ProcessLookupError):  # it ended meanwhile
                os.kill(pid, signal.SIGCONT)
        node.frozen = []

    def current_lsn(self):
        return lsn_number(self.primary.query("SELECT pg_current_wal_lsn()::text")[0])

    def replay_lsn(self, replica):
        return lsn_number(replica.query("SELECT pg_last_wal_replay_lsn()::text")[0])

    def wait_streaming(self, replica, timeout=30):
        """Until the primary lists the replica's walreceiver as streaming."""
        self._wait(
            lambda: self.primary.query(
                "SELECT count(*) FROM pg_stat_replication "
                "WHERE application_name = %s AND state = 'streaming'",
                replica.name,
            )[0],
            timeout,
            f"{replica.name} streaming from the primary",
        )

    def wait_caught_up(self, replica, lsn=None, timeout=30):
        """Until the replica has applied the primary's WAL up to `lsn` (by default, all of it
        written so far)."""
        lsn = self.current_lsn() if lsn is None else lsn
        self._wait(lambda: self.replay_lsn(replica) >= lsn, timeout, f"{replica.name} at {lsn:x}")

    # Helpers -------------------------------------------------------------------------------

    def _start_on_a_free_port(self, node, attempts=3):
        """Start a new node; if another process took its port since it was found free (another
        run of these tests, say), on the next free one."""
        for attempt in range(1, attempts + 1):
            logged = node.log_size()
            try:
                return self.start_node(node)
            except RuntimeError:
                if attempt == attempts or "already in use" not in node.logged_since(logged):
                    raise
            node.port = free_port(PORTS, taken=[other.port for other in self.nodes])
            self._configure(node, {})

    def _configure(self, node, settings):
        """Append `settings` to the node's postgresql.conf (later lines win)."""
        lines = [f"{name} = {value}" for name, value in settings.items()]
        lines.append(f"port = {node.port}")
        lines.append(f"unix_socket_directories = '{self.root}'")
        with (node.data / "postgresql.conf").open("a") as conf:
            conf.write("\n# tests/replicas/cluster.py\n" + "\n".join(lines) + "\n")

    def _run(self, tool, *args, check=True):
        command = [str(self.tools / tool), *map(str, args)]
        if self.as_user:
            command = ["runuser", "-u", UNPRIVILEGED_USER, "--", *command]
        done = subprocess.run(command, capture_output=True, text=True, cwd=self.root)
        if check and done.returncode != 0:
            raise RuntimeError(
                f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}{done.stderr}"
                f"{self._log_tails()}"
            )
        return done

    def _log_tails(self):
        tails = []
        for node in self.nodes:
            if node.log.exists():
                lines = node.log.read_text(errors="replace").splitlines()[-15:]
                tails.append(f"\n--- {node.log.name}, last lines:\n" + "\n".join(lines))
        return "".join(tails)

    def _wait(self, condition, timeout, what):
        deadline = time.monotonic() + timeout
        while True:
            try:
                if condition():
                    return
            except psycopg.OperationalError:
                pass  # starting up
            if time.monotonic() > deadline:
                raise TimeoutError(f"Waited {timeout} s for {what}.{self._log_tails()}")
            time.sleep(0.05)
