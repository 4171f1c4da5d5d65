"""A pack in memory: its files, its manifest and its validated parts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from dsl import DslCheckError, DslError, EventType, InMemorySchemaRegistry, parse_and_check
from dsl.schema_defaults import default_registry
from templates_marketplace.errors import PackArchiveUnsafe, PackInvalid, PartProblem
from templates_marketplace.manifest import MANIFEST, Manifest, raw_id, read_manifest
from templates_marketplace.parts import PackParts, read_parts

#: The signature file is not part of what is signed.
SIGNATURE = "SIGNATURE.json"
MAX_FILES = 2_000
MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Pack:
    """A validated pack."""

    manifest: Manifest
    parts: PackParts
    #: Path (``/``-separated, relative) → content, without the signature.
    files: dict[str, bytes]
    signature: bytes | None

    @property
    def digest(self) -> str:
        """sha256 over the sorted file digests: identifies the exact content."""
        return content_digest(self.files)

    def registry(self, base: InMemorySchemaRegistry | None = None) -> InMemorySchemaRegistry:
        """The schema the pack's rules are checked against (base + the pack's events)."""
        return (base or default_registry()).extended(self.parts.events)


def file_digests(files: dict[str, bytes]) -> dict[str, str]:
    """Path → sha256 hex of every file."""
    return {path: hashlib.sha256(files[path]).hexdigest() for path in sorted(files)}


def content_digest(files: dict[str, bytes]) -> str:
    """One sha256 for the whole content (paths and bytes)."""
    h = hashlib.sha256()
    for path, digest in file_digests(files).items():
        h.update(f"{path}\0{digest}\n".encode())
    return h.hexdigest()


def check_path(path: str) -> str:
    """Refuse absolute, parent-escaping or odd paths; return the normalised one."""
    clean = path.replace("\\", "/")
    parts = clean.split("/")
    if clean.startswith("/") or any(p in ("", ".", "..") for p in parts) or ":" in parts[0]:
        raise PackArchiveUnsafe(reason=f"unsafe path {path!r}",
                                reason_zh=f"不安全的路径 {path!r}")
    return clean


def read_folder(folder: Path) -> dict[str, bytes]:
    """Every regular file under ``folder`` (symlinks refused)."""
    files: dict[str, bytes] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_symlink():
            raise PackArchiveUnsafe(reason=f"symbolic link {path.name}",
                                    reason_zh=f"不允许符号链接 {path.name}")
        if path.is_file() and "__pycache__" not in path.parts:
            files[check_path(path.relative_to(folder).as_posix())] = path.read_bytes()
    check_size(files)
    return files


def check_size(files: dict[str, bytes]) -> None:
    """Refuse packs with too many files or bytes."""
    if len(files) > MAX_FILES or sum(len(b) for b in files.values()) > MAX_BYTES:
        raise PackArchiveUnsafe(reason="more than 2,000 files or 20 MB",
                                reason_zh="文件数超过 2,000 或大小超过 20 MB")


def validate(files: dict[str, bytes], extra_events: Iterable[EventType] = ()) -> Pack:
    """Read and check every part; raise :class:`PackInvalid` listing all problems.

    ``extra_events`` are the events of the packs this one depends on.
    """
    signature = files.get(SIGNATURE)
    content = {p: b for p, b in files.items() if p != SIGNATURE}
    problems: list[PartProblem] = []
    if MANIFEST not in content:
        raise PackInvalid.listing("?", [PartProblem(MANIFEST, "pack.manifest_missing",
                                            "the pack has no pack.toml", "缺少 pack.toml")])
    manifest, manifest_problems = read_manifest(content[MANIFEST])
    problems.extend(manifest_problems)
    parts, part_problems = read_parts(content)
    problems.extend(part_problems)
    registry = default_registry().extended([*extra_events, *parts.events])
    for name, text in sorted(parts.rule_sets.items()):
        problems.extend(_rule_problems(f"rules/{name}.rule", text, registry))
    if manifest is not None and not manifest.supports_product():
        problems.append(PartProblem(f"{MANIFEST} [jxcflow]", "pack.unsupported_product",
                                    f"needs jxcflow {manifest.jxcflow}",
                                    f"需要 jxcflow {manifest.jxcflow}"))
    if problems or manifest is None:
        raise PackInvalid.listing(manifest.id if manifest else raw_id(content[MANIFEST]), problems)
    return Pack(manifest=manifest, parts=parts, files=content, signature=signature)


def _rule_problems(part: str, text: str,
                   registry: InMemorySchemaRegistry) -> list[PartProblem]:
    try:
        parse_and_check(text, registry)
    except DslCheckError as exc:
        return [PartProblem(f"{part}:{d.line}:{d.column}", d.code, d.render("en"),
                            d.render("zh-CN")) for d in exc.diagnostics]
    except DslError as exc:
        return [PartProblem(f"{part}:{exc.line}:{exc.column}", exc.code, exc.render("en"),
                            exc.render("zh-CN"))]
    return []
