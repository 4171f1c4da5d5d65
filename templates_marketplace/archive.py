"""The ``.jxcpack`` file: a deterministic zip of a pack folder plus its signature.

Building the same folder twice gives the same bytes (sorted entries, fixed times and
modes), so a pack's file digest is reproducible. Reading refuses unsafe paths, links,
encrypted entries and zip bombs before anything is unpacked.
"""

from __future__ import annotations

import io
import stat
import zipfile
import zlib
from pathlib import Path

from templates_marketplace.errors import PackArchiveUnsafe
from templates_marketplace.pack import (
    MAX_BYTES,
    MAX_FILES,
    SIGNATURE,
    Pack,
    check_path,
    check_size,
    read_folder,
    validate,
)
from templates_marketplace.signing import sign

SUFFIX = ".jxcpack"
_EPOCH = (1980, 1, 1, 0, 0, 0)


def build(folder: Path, private_key: bytes | None = None) -> tuple[Pack, bytes]:
    """Validate the pack in ``folder`` and return it with its archive bytes.

    With ``private_key`` the archive carries a fresh ``SIGNATURE.json`` (any old one in
    the folder is replaced); without, it is unsigned.
    """
    files = {p: b for p, b in read_folder(folder).items() if p != SIGNATURE}
    pack = validate(files)
    if private_key is not None:
        files[SIGNATURE] = sign(files, pack.manifest.id, pack.manifest.version, private_key)
        pack = validate(files)
    return pack, pack_bytes(files)


def pack_bytes(files: dict[str, bytes]) -> bytes:
    """The deterministic zip of ``files``."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(check_path(path), date_time=_EPOCH)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return out.getvalue()


def read_archive(data: bytes) -> dict[str, bytes]:
    """The files of a ``.jxcpack`` (validated paths and sizes, nothing written to disk)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        raise PackArchiveUnsafe(reason="not a zip archive", reason_zh="不是 zip 文件") from exc
    with archive:
        entries = [i for i in archive.infolist() if not i.is_dir()]
        if len(entries) > MAX_FILES or sum(i.file_size for i in entries) > MAX_BYTES:
            raise PackArchiveUnsafe(reason="more than 2,000 files or 20 MB",
                                    reason_zh="文件数超过 2,000 或大小超过 20 MB")
        files: dict[str, bytes] = {}
        for info in entries:
            if info.flag_bits & 0x1:
                raise PackArchiveUnsafe(reason="encrypted entry", reason_zh="含加密条目")
            if stat.S_ISLNK(info.external_attr >> 16):
                raise PackArchiveUnsafe(reason=f"symbolic link {info.filename}",
                                        reason_zh=f"不允许符号链接 {info.filename}")
            path = check_path(info.filename)
            if path in files:
                raise PackArchiveUnsafe(reason=f"duplicate entry {path}",
                                        reason_zh=f"重复条目 {path}")
            try:
                files[path] = archive.read(info)
            except (zipfile.BadZipFile, OSError, zlib.error) as exc:
                raise PackArchiveUnsafe(reason=f"damaged entry {path}",
                                        reason_zh=f"条目损坏 {path}") from exc
    check_size(files)
    return files


def load(data: bytes) -> Pack:
    """Read and validate a ``.jxcpack`` (the signature is checked by ``signing.verify``)."""
    return validate(read_archive(data))
