import LabCore

/// `contextlib`, `textwrap`, `typing` and `enum`, in Python.
package enum ContextlibTextModules {
    package static let `contextlib` = ModuleDefinition("contextlib", source: ##"""
        class _GeneratorContextManager:
            def __init__(self, func, args, kwds):
                self._gen = func(*args, **kwds)
                self._func = func
                self._args = args
                self._kwds = kwds

            def __call__(self, function):
                def inner(*args, **kwds):
                    with _GeneratorContextManager(self._func, self._args, self._kwds):
                        return function(*args, **kwds)
                return inner

            def __enter__(self):
                try:
                    return next(self._gen)
                except StopIteration:
                    raise RuntimeError("generator didn't yield") from None

            def __exit__(self, typ, value, traceback):
                if typ is None:
                    try:
                        next(self._gen)
                    except StopIteration:
                        return False
                    raise RuntimeError("generator didn't stop")
                if value is None:
                    value = typ()
                try:
                    self._gen.throw(value)
                except StopIteration as exc:
                    return exc is not value
                except BaseException as exc:
                    if exc is value:
                        return False
                    raise
                raise RuntimeError("generator didn't stop after throw()")

        def contextmanager(func):
            def helper(*args, **kwds):
                return _GeneratorContextManager(func, args, kwds)
            helper.__name__ = func.__name__
            return helper

        class suppress:
            def __init__(self, *exceptions):
                self._exceptions = exceptions

            def __enter__(self):
                pass

            def __exit__(self, typ, value, traceback):
                if typ is None:
                    return False
                for e in self._exceptions:
                    if issubclass(typ, e):
                        return True
                return False

        class closing:
            def __init__(self, thing):
                self.thing = thing

            def __enter__(self):
                return self.thing

            def __exit__(self, typ, value, traceback):
                self.thing.close()

        class nullcontext:
            def __init__(self, enter_result=None):
                self.enter_result = enter_result

            def __enter__(self):
                return self.enter_result

            def __exit__(self, typ, value, traceback):
                pass

        class ExitStack:
            def __init__(self):
                self._callbacks = []

            def __enter__(self):
                return self

            def enter_context(self, cm):
                result = type(cm).__enter__(cm)
                self._callbacks.append((True, cm))
                return result

            def callback(self, callback, *args, **kwds):
                self._callbacks.append((False, (callback, args, kwds)))
                return callback

            def push(self, exit):
                self._callbacks.append((None, exit))
                return exit

            def pop_all(self):
                other = ExitStack()
                other._callbacks = self._callbacks
                self._callbacks = []
                return other

            def close(self):
                self.__exit__(None, None, None)

            def __exit__(self, typ, value, traceback):
                pending = value
                suppressed = False
                while self._callbacks:
                    kind, what = self._callbacks.pop()
                    try:
                        if kind is True:
                            t = None if pending is None else type(pending)
                            if type(what).__exit__(what, t, pending, None):
                                pending = None
                                suppressed = True
                        elif kind is None:
                            t = None if pending is None else type(pending)
                            if what(t, pending, None):
                                pending = None
                                suppressed = True
                        else:
                            what[0](*what[1], **what[2])
                    except BaseException as exc:
                        if exc is not pending:
                            exc.__context__ = pending
                        pending = exc
                if pending is not None and pending is not value:
                    raise pending
                return suppressed or (value is not None and pending is None)
        """##)

    package static let `textwrap` = ModuleDefinition("textwrap", source: ##"""
        _WHITESPACE = "\t\n\x0b\x0c\r "

        def _letter(c):
            return c.isalpha() or c == "_"

        def _word_char(c):
            return c.isalnum() or c == "_"

        def _hyphen_break(word, p):
            n = len(word)
            if p + 2 > n or not _letter(word[p + 1]):
                return False
            if not (_letter(word[p + 2]) if p + 2 < n else False):
                if not (p + 3 < n and word[p + 2] == "-" and _letter(word[p + 3])):
                    return False
            if p >= 2 and _letter(word[p - 1]) and _letter(word[p - 2]):
                return True
            return p >= 3 and _letter(word[p - 1]) and word[p - 2] == "-" and _letter(word[p - 3])

        def _split_word(text):
            # A list, not the str: indexing a str walks it from the start.
            word = list(text)
            chunks = []
            start = 0
            p = 0
            n = len(word)
            while p < n:
                if word[p] == "-":
                    run = p
                    while run < n and word[run] == "-":
                        run += 1
                    if run - p >= 2 and p > 0 and run < n and _word_char(word[run]) and (_word_char(word[p - 1]) or word[p - 1] in "!\"'&.,?"):
                        if p > start:
                            chunks.append("".join(word[start:p]))
                        chunks.append("".join(word[p:run]))
                        start = run
                        p = run
                        continue
                    if p > start and _hyphen_break(word, p):
                        chunks.append("".join(word[start:p + 1]))
                        start = p + 1
                p += 1
            if start < n:
                chunks.append("".join(word[start:]))
            return chunks

        def _sentence_end(chunk):
            if chunk and chunk[-1] in "\"'":
                chunk = chunk[:-1]
            return len(chunk) >= 2 and chunk[-1] in ".!?" and chunk[-2] in "abcdefghijklmnopqrstuvwxyz"

        def _expand_tabs(text, tabsize):
            out = []
            column = 0
            for ch in text:
                if ch == "\t":
                    if tabsize > 0:
                        spaces = tabsize - column % tabsize
                        out.append(" " * spaces)
                        column += spaces
                else:
                    out.append(ch)
                    column = 0 if ch == "\n" or ch == "\r" else column + 1
            return "".join(out)

        class TextWrapper:
            def __init__(self, width=70, initial_indent="", subsequent_indent="", expand_tabs=True, replace_whitespace=True, fix_sentence_endings=False, break_long_words=True, drop_whitespace=True, break_on_hyphens=True, tabsize=8, *, max_lines=None, placeholder=" [...]"):
                self.width = width
                self.initial_indent = initial_indent
                self.subsequent_indent = subsequent_indent
                self.expand_tabs = expand_tabs
                self.replace_whitespace = replace_whitespace
                self.fix_sentence_endings = fix_sentence_endings
                self.break_long_words = break_long_words
                self.drop_whitespace = drop_whitespace
                self.break_on_hyphens = break_on_hyphens
                self.tabsize = tabsize
                self.max_lines = max_lines
                self.placeholder = placeholder

            def _split_chunks(self, text):
                if self.expand_tabs:
                    text = _expand_tabs(text, self.tabsize)
                if self.replace_whitespace:
                    text = "".join([" " if c in _WHITESPACE else c for c in text])
                chunks = []
                current = []
                in_space = False
                for c in text:
                    space = c in _WHITESPACE
                    if current and space != in_space:
                        self._add_chunk(chunks, "".join(current), in_space)
                        current = []
                    current.append(c)
                    in_space = space
                if current:
                    self._add_chunk(chunks, "".join(current), in_space)
                if self.fix_sentence_endings:
                    i = 0
                    while i < len(chunks) - 1:
                        if chunks[i + 1] == " " and _sentence_end(chunks[i]):
                            chunks[i + 1] = "  "
                            i += 2
                        else:
                            i += 1
                return chunks

            def _add_chunk(self, chunks, piece, is_space):
                if is_space or not self.break_on_hyphens:
                    chunks.append(piece)
                else:
                    chunks.extend(_split_word(piece))

            def _handle_long_word(self, chunks, line, length, width):
                space_left = 1 if width < 1 else width - length
                if self.break_long_words:
                    end = space_left
                    chunk = chunks[-1]
                    if self.break_on_hyphens and len(chunk) > space_left:
                        hyphen = chunk.rfind("-", 0, space_left)
                        if hyphen > 0 and len(chunk[:hyphen].replace("-", "")) > 0:
                            end = hyphen + 1
                    line.append(chunk[:end])
                    chunks[-1] = chunk[end:]
                elif not line:
                    line.append(chunks.pop())

            def wrap(self, text):
                chunks = self._split_chunks(text)
                lines = []
                if self.width <= 0:
                    raise ValueError("invalid width " + repr(self.width) + " (must be > 0)")
                if self.max_lines is not None:
                    indent = self.subsequent_indent if self.max_lines > 1 else self.initial_indent
                    if len(indent) + len(self.placeholder.lstrip()) > self.width:
                        raise ValueError("placeholder too large for max width")
                chunks.reverse()
                while chunks:
                    line = []
                    length = 0
                    indent = self.subsequent_indent if lines else self.initial_indent
                    width = self.width - len(indent)
                    if self.drop_whitespace and chunks[-1].strip() == "" and lines:
                        del chunks[-1]
                    while chunks:
                        size = len(chunks[-1])
                        if length + size <= width:
                            line.append(chunks.pop())
                            length += size
                        else:
                            break
                    if chunks and len(chunks[-1]) > width:
                        self._handle_long_word(chunks, line, length, width)
                        length = sum([len(c) for c in line])
                    if self.drop_whitespace and line and line[-1].strip() == "":
                        length -= len(line[-1])
                        del line[-1]
                    if line:
                        if self.max_lines is None or len(lines) + 1 < self.max_lines or (not chunks or self.drop_whitespace and len(chunks) == 1 and not chunks[0].strip()) and length <= width:
                            lines.append(indent + "".join(line))
                        else:
                            placed = False
                            while line:
                                if line[-1].strip() and length + len(self.placeholder) <= width:
                                    line.append(self.placeholder)
                                    lines.append(indent + "".join(line))
                                    placed = True
                                    break
                                length -= len(line[-1])
                                del line[-1]
                            if not placed:
                                if lines:
                                    previous = lines[-1].rstrip()
                                    if len(previous) + len(self.placeholder) <= self.width:
                                        lines[-1] = previous + self.placeholder
                                        break
                                lines.append(indent + self.placeholder.lstrip())
                            break
                return lines

            def fill(self, text):
                return "\n".join(self.wrap(text))

        def wrap(text, width=70, **kwargs):
            return TextWrapper(width=width, **kwargs).wrap(text)

        def fill(text, width=70, **kwargs):
            return TextWrapper(width=width, **kwargs).fill(text)

        def shorten(text, width, **kwargs):
            return TextWrapper(width=width, max_lines=1, **kwargs).fill(" ".join(text.strip().split()))

        def _leading(line):
            i = 0
            while i < len(line) and line[i] in " \t":
                i += 1
            return line[:i]

        def dedent(text):
            lines = text.split("\n")
            margin = None
            for i in range(len(lines)):
                line = lines[i]
                if line.strip(" \t") == "":
                    lines[i] = ""
                    continue
                indent = _leading(line)
                if margin is None:
                    margin = indent
                elif indent.startswith(margin):
                    pass
                elif margin.startswith(indent):
                    margin = indent
                else:
                    k = 0
                    while k < len(margin) and k < len(indent) and margin[k] == indent[k]:
                        k += 1
                    margin = margin[:k]
            if margin:
                lines = [line[len(margin):] if line.startswith(margin) else line for line in lines]
            return "\n".join(lines)

        def indent(text, prefix, predicate=None):
            out = []
            for line in text.splitlines(True):
                if (line.strip() if predicate is None else predicate(line)):
                    out.append(prefix + line)
                else:
                    out.append(line)
            return "".join(out)
        """##)

    package static let `typing` = ModuleDefinition("typing", source: ##"""
        TYPE_CHECKING = False

        def _type_repr(t):
            if isinstance(t, _Alias) or isinstance(t, TypeVar):
                return repr(t)
            if t is None:
                return "None"
            if t is type(None):
                return "NoneType"
            if type(t) is list:
                return "[" + ", ".join([_type_repr(a) for a in t]) + "]"
            if t in (int, float, str, bool, bytes, list, dict, tuple, set, object, type, range):
                return t.__name__
            if type(t) is type:
                return "__main__." + t.__name__
            if type(t) is str:
                return "ForwardRef(" + repr(t) + ")"
            return repr(t)

        class _Alias:
            def __init__(self, name, args=None, arity=-1):
                self._name = name
                self._args = args
                self._arity = arity

            def __getitem__(self, params):
                if self._args is not None:
                    raise TypeError("typing." + self._name + "[" + ", ".join([_type_repr(a) for a in self._args]) + "] is not a generic class")
                if type(params) is not tuple:
                    params = (params,)
                if self._name == "Optional":
                    if len(params) != 1:
                        raise TypeError("typing.Optional requires a single type.")
                    return Union[params[0], None]
                if self._name == "Union":
                    flat = []
                    for p in params:
                        if p is None:
                            p = type(None)
                        if isinstance(p, _Alias) and p._name == "Union" and p._args is not None:
                            more = p._args
                        else:
                            more = (p,)
                        for m in more:
                            if m not in flat:
                                flat.append(m)
                    if len(flat) == 1:
                        return flat[0]
                    return _Alias("Union", tuple(flat))
                if self._arity >= 0 and len(params) != self._arity:
                    many = "many" if len(params) > self._arity else "few"
                    raise TypeError("Too " + many + " arguments for typing." + self._name + "; actual " + str(len(params)) + ", expected " + str(self._arity))
                return _Alias(self._name, params, self._arity)

            def __repr__(self):
                if self._args is None:
                    return "typing." + self._name
                if self._name == "Union" and len(self._args) == 2 and type(None) in self._args:
                    other = self._args[0] if self._args[1] is type(None) else self._args[1]
                    return "typing.Optional[" + _type_repr(other) + "]"
                if self._name == "Tuple" and self._args == ():
                    return "typing.Tuple[()]"
                if self._name == "Literal":
                    return "typing.Literal[" + ", ".join([repr(a) for a in self._args]) + "]"
                return "typing." + self._name + "[" + ", ".join([_type_repr(a) for a in self._args]) + "]"

            def __eq__(self, other):
                return isinstance(other, _Alias) and self._name == other._name and self._args == other._args

            def __call__(self, *args, **kwargs):
                raise TypeError("Type " + self._name + " cannot be instantiated; use " + self._name.lower() + "() instead")

        class TypeVar:
            def __init__(self, name, *constraints, bound=None, covariant=False, contravariant=False):
                self.__name__ = name
                self._variance = "+" if covariant else ("-" if contravariant else "~")

            def __repr__(self):
                return self._variance + self.__name__

        class _GenericBase:
            pass

        class _GenericAlias(_Alias):
            def __getitem__(self, params):
                return _GenericBase

        Any = _Alias("Any", None, 0)
        List = _Alias("List", None, 1)
        Dict = _Alias("Dict", None, 2)
        DefaultDict = _Alias("DefaultDict", None, 2)
        OrderedDict = _Alias("OrderedDict", None, 2)
        Counter = _Alias("Counter", None, 1)
        Deque = _Alias("Deque", None, 1)
        Set = _Alias("Set", None, 1)
        FrozenSet = _Alias("FrozenSet", None, 1)
        Tuple = _Alias("Tuple")
        Optional = _Alias("Optional")
        Union = _Alias("Union")
        Callable = _Alias("Callable")
        Type = _Alias("Type", None, 1)
        Iterable = _Alias("Iterable", None, 1)
        Iterator = _Alias("Iterator", None, 1)
        Generator = _Alias("Generator", None, 3)
        Sequence = _Alias("Sequence", None, 1)
        MutableSequence = _Alias("MutableSequence", None, 1)
        Mapping = _Alias("Mapping", None, 2)
        MutableMapping = _Alias("MutableMapping", None, 2)
        AbstractSet = _Alias("AbstractSet", None, 1)
        Collection = _Alias("Collection", None, 1)
        Container = _Alias("Container", None, 1)
        Hashable = _Alias("Hashable", None, 0)
        Sized = _Alias("Sized", None, 0)
        Reversible = _Alias("Reversible", None, 1)
        Awaitable = _Alias("Awaitable", None, 1)
        Coroutine = _Alias("Coroutine", None, 3)
        Literal = _Alias("Literal")
        Final = _Alias("Final")
        ClassVar = _Alias("ClassVar")
        Annotated = _Alias("Annotated")
        NoReturn = _Alias("NoReturn", None, 0)
        Never = _Alias("Never", None, 0)
        Self = _Alias("Self", None, 0)
        LiteralString = _Alias("LiteralString", None, 0)
        TypeAlias = _Alias("TypeAlias", None, 0)
        Generic = _GenericAlias("Generic")
        Protocol = _GenericAlias("Protocol")
        AnyStr = TypeVar("AnyStr")
        Text = str

        def cast(typ, val):
            return val

        def overload(func):
            return func

        def final(f):
            return f

        def no_type_check(arg):
            return arg

        def runtime_checkable(cls):
            return cls

        def get_args(tp):
            if isinstance(tp, _Alias) and tp._args is not None:
                return tp._args
            return ()

        def get_origin(tp):
            if isinstance(tp, _Alias) and tp._args is not None:
                return {"List": list, "Dict": dict, "Set": set, "FrozenSet": frozenset, "Tuple": tuple, "Type": type, "Union": Union, "Literal": Literal, "Final": Final, "ClassVar": ClassVar}.get(tp._name)
            return None

        def NewType(name, tp):
            def new_type(x):
                return x
            new_type.__name__ = name
            return new_type
        """##)
}
