#!/usr/bin/env python3
"""Fails when a topic folder of Sources/LabTopics uses a top-level type or function that another topic folder
defines. What topics share lives in LabCore (or PyLab); a topic's own types stay its own, so the cycles between
topics cannot come back. Usage: check_seams.py [SOURCES_DIR]. Exit status 1 lists each reach as file:line."""
import os
import re
import sys

ROOT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "Sources", "LabTopics")
DECL = re.compile(r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|final|indirect|nonisolated)\s+)*"
                  r"(?:struct|class|enum|protocol|typealias|actor|func|let|var)\s+([A-Za-z_]\w*)", re.M)
WORD = re.compile(r"\b[A-Za-z_]\w*\b")


def code_only(text):
    """The text with comments and string literals blanked, so a word in a comment or a message is no reach."""
    text = re.sub(r'"""[\s\S]*?"""', lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    text = re.sub(r'"(?:\\.|[^"\\\n])*"', '""', text)
    text = re.sub(r"/\*[\s\S]*?\*/", lambda m: re.sub(r"[^\n]", " ", m.group(0)), text)
    return re.sub(r"//[^\n]*", "", text)


def main():
    if not os.path.isdir(ROOT):
        print(f"check_seams: no folder {ROOT}", file=sys.stderr)
        return 2
    files = {}
    owner = {}
    for topic in sorted(os.listdir(ROOT)):
        folder = os.path.join(ROOT, topic)
        if not os.path.isdir(folder):
            continue
        for dirpath, _, names in os.walk(folder):
            for name in sorted(names):
                if name.endswith(".swift"):
                    path = os.path.join(dirpath, name)
                    code = code_only(open(path, encoding="utf-8").read())
                    files[path] = (topic, code)
                    for m in DECL.finditer(code):
                        owner.setdefault(m.group(1), topic)
    reaches = []
    for path, (topic, code) in sorted(files.items()):
        for number, line in enumerate(code.split("\n"), 1):
            for word in set(WORD.findall(line)):
                other = owner.get(word)
                if other and other != topic:
                    reaches.append(f"{path}:{number}: topic {topic} uses {word}, defined in topic {other}")
    for r in reaches:
        print(r)
    if reaches:
        print(f"check_seams: {len(reaches)} reach(es) across topic folders; move what topics share to LabCore",
              file=sys.stderr)
        return 1
    print(f"check_seams: {len(files)} files in {len({t for t, _ in files.values()})} topic folders, no reach across them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
