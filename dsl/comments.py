"""Finding the ``#`` comments of a rule file, so the formatter can put them back."""

from __future__ import annotations

from dsl.ast import Comment, Span


def comment_nodes(text: str) -> tuple[Comment, ...]:
    """Find the ``#`` comments of a text (outside strings), in order."""
    found: list[Comment] = []
    for lineno, line in enumerate(text.split("\n"), start=1):
        if "#" not in line:
            continue
        quote: str | None = None
        i = 0
        while i < len(line):
            c = line[i]
            if quote:
                if c == "\\" and quote == '"':
                    i += 2
                    continue
                if c == quote:
                    quote = None
            elif c == '"':
                quote = '"'
            elif c == "“":
                quote = "”"
            elif c == "#":
                body = line[i:].rstrip()
                found.append(Comment(text=body, trailing=bool(line[:i].strip()),
                                     span=Span(lineno, i + 1, lineno, i + 1 + len(body))))
                break
            i += 1
    return tuple(found)
