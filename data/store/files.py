"""The database file on disk: whether this process may write it, who else may read it, and a
new file shared by a group of agents.

SQLite creates the ``-wal`` and ``-shm`` files beside the database with the database file's
permission bits, owned by whoever opens it first: in a set-group-id folder they also get the
folder's group, so every agent of the group can open them. That is why a shared database lives
in a folder of its own (mode 2770), not just in a group-writable file.
"""

from __future__ import annotations

import grp
import os
import stat
from pathlib import Path
from urllib.parse import quote

from helpdesk.data.core.errors import Code, HelpdeskError, from_os_error

SHARED_FOLDER_MODE = 0o2770  # set-group-id: files made inside take the folder's group
SHARED_FILE_MODE = 0o660


def writable(path: str) -> bool:
    """Whether this process may write the existing database file ``path``.

    A file whose mode lets nobody write (0444) was frozen on purpose: it is read-only here even
    for root, whom the kernel would let write it. ``os.access`` also says no on a read-only mount."""
    return bool(os.stat(path).st_mode & 0o222) and os.access(path, os.W_OK)


def read_only_uri(path: str, *, immutable: bool) -> str:
    """SQLite's URI opening ``path`` for reading only.

    ``immutable`` also tells SQLite that nobody changes the file while it is open, so it needs
    no ``-shm`` file: the one way to read a WAL database in a folder this process cannot write
    (a read-only mount) when no ``-shm`` file is there to share."""
    return f"file:{quote(os.path.abspath(path))}?{'immutable=1' if immutable else 'mode=ro'}"


def world_readable(path: str) -> bool:
    """Whether every user of the machine may read the database file (it holds customers' mail):
    the file is readable by others, and so is the way to it (a shared desk's 2770 folder keeps
    everyone but its group out, whatever the file's own mode)."""
    try:
        target = Path(path).resolve()
        return bool(target.stat().st_mode & stat.S_IROTH) and all(
            folder.stat().st_mode & stat.S_IXOTH for folder in target.parents
        )
    except OSError:  # nothing there (yet), or a folder on the way we may not look into
        return False


def group_id(name: str) -> int:
    try:
        return grp.getgrnam(name).gr_gid
    except KeyError:
        raise HelpdeskError(Code.GROUP_UNKNOWN, group=name) from None


def create_shared(path: str, group: str) -> None:
    """Create the empty database file ``path`` (0660) for ``group``, in a set-group-id folder.

    A missing folder is made (2770, the group's); an existing one must already be the group's
    and set-group-id, else the ``-wal``/``-shm`` files would get the group of whoever opens the
    database first and lock the others out. An existing file is refused: this makes a new desk."""
    gid = group_id(group)
    folder = Path(path).absolute().parent
    try:
        if not folder.exists():
            if not folder.parent.is_dir():
                raise HelpdeskError(Code.DATABASE_DIRECTORY_MISSING, folder=str(folder.parent))
            folder.mkdir()
            os.chown(folder, -1, gid)
            os.chmod(folder, SHARED_FOLDER_MODE)  # mkdir's mode passes the umask, and never sets s
        else:
            info = folder.stat()
            if info.st_gid != gid or not info.st_mode & stat.S_ISGID:
                raise HelpdeskError(Code.DATABASE_DIRECTORY_NOT_SHARED, folder=str(folder), group=group)
        try:
            fd = os.open(path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, SHARED_FILE_MODE)
        except FileExistsError:
            raise HelpdeskError(Code.FILE_EXISTS, where=path) from None
        try:
            os.fchown(fd, -1, gid)
            os.fchmod(fd, SHARED_FILE_MODE)  # past the umask
        except OSError:
            os.unlink(path)  # not half a shared desk: the next try must not find it "existing"
            raise
        finally:
            os.close(fd)
    except OSError as exc:
        raise from_os_error(exc) from None
