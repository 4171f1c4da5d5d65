"""Executors: what is done with a decision. Production applies it; sandbox and shadow
only show or record what it would do. Evaluation is the same for all of them."""

from __future__ import annotations

from engine.executors.sandbox import SandboxExecutor, SandboxResult, SandboxStep

__all__ = ["SandboxExecutor", "SandboxResult", "SandboxStep"]
