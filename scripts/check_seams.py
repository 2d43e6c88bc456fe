#!/usr/bin/env python3
"""Fails when a topic folder of Sources/LabTopics uses what another topic folder defines: a top-level type or
function, or a member that folder adds to a type in an extension (`PyRuntime.shared(for:)`). What topics share
lives in LabCore, or in LabTopics/Common when it needs the interpreter (PyLab); a topic's own types stay its own,
so the cycles between topics cannot come back. Usage: check_seams.py [SOURCES_DIR]. Exit status 1 lists each
reach as file:line."""
import os
import re
import sys

ROOT = os.path.join(sys.argv[1] if len(sys.argv) > 1 else "Sources", "LabTopics")
DECL = re.compile(r"^(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|final|indirect|nonisolated)\s+)*"
                  r"(?:struct|class|enum|protocol|typealias|actor|func|let|var)\s+([A-Za-z_]\w*)", re.M)
WORD = re.compile(r"\b[A-Za-z_]\w*\b")
MEMBER = re.compile(r"^\s+(?:@\w+(?:\([^)]*\))?\s+)*(?:(?:public|package|internal|static|final|override|mutating|class)\s+)*"
                    r"(?:func|var|let)\s+([A-Za-z_]\w*)", re.M)
# Shared by the topics; not a topic itself.
COMMON = "Common"


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
    members = {}
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
                    if topic == COMMON:
                        continue
                    for m in DECL.finditer(code):
                        owner.setdefault(m.group(1), topic)
                    for block in re.finditer(r"^extension\s+(\w+)[^\n]*\{\n(.*?)^\}", code, re.M | re.S):
                        for m in MEMBER.finditer(block.group(2)):
                            members.setdefault(block.group(1) + "." + m.group(1), set()).add(topic)
    # `Type.member` that one topic alone adds in an extension.
    added = {name: next(iter(topics)) for name, topics in members.items() if len(topics) == 1}
    reaches = []
    for path, (topic, code) in sorted(files.items()):
        for number, line in enumerate(code.split("\n"), 1):
            for word in set(WORD.findall(line)):
                other = owner.get(word)
                if other and other != topic:
                    reaches.append(f"{path}:{number}: topic {topic} uses {word}, defined in topic {other}")
            for word in set(re.findall(r"\b([A-Z]\w*\.[A-Za-z_]\w*)", line)):
                other = added.get(word)
                if other and other != topic:
                    reaches.append(f"{path}:{number}: topic {topic} uses {word}, added by topic {other}")
    for r in reaches:
        print(r)
    if reaches:
        print(f"check_seams: {len(reaches)} reach(es) across topic folders; move what topics share to LabCore",
              file=sys.stderr)
        return 1
    topics = {t for t, _ in files.values()} - {COMMON}
    print(f"check_seams: {len(files)} files in {len(topics)} topic folders, no reach across them")
    return 0


if __name__ == "__main__":
    sys.exit(main())
