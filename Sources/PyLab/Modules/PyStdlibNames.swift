/// The top-level module names of CPython 3.11's standard library, as this machine's `python3` lists them in
/// `sys.stdlib_module_names` (data, not code): a name here that conclab's Python does not have is refused as
/// unsupported; any other missing name is CPython's plain "No module named".
extension ModuleRegistry {
    /// The pure-Python modules of the standard library that conclab's Python has (besides the concurrency ones).
    static let stdlibDefinitions: [ModuleDefinition] = [
        HeapBisectModules.heapq, HeapBisectModules.bisect, HeapBisectModules.`operator`, HeapBisectModules.copy,
        HeapBisectModules.string, ContextlibTextModules.contextlib, JsonStatisticsModules.json,
        JsonStatisticsModules.statistics, ContextlibTextModules.textwrap, ContextlibTextModules.typing, ClassModules.abc,
        ClassModules.`enum`,
    ]

    package static let standardLibraryNames: Set<String> = [
        "__future__", "_abc", "_aix_support", "_ast", "_asyncio", "_bisect", "_blake2", "_bootsubprocess", "_bz2",
        "_codecs", "_codecs_cn", "_codecs_hk", "_codecs_iso2022", "_codecs_jp", "_codecs_kr", "_codecs_tw", "_collections",
        "_collections_abc", "_compat_pickle", "_compression", "_contextvars", "_crypt", "_csv", "_ctypes", "_curses",
        "_curses_panel", "_datetime", "_dbm", "_decimal", "_elementtree", "_frozen_importlib", "_frozen_importlib_external",
        "_functools", "_gdbm", "_hashlib", "_heapq", "_imp", "_io", "_json", "_locale", "_lsprof", "_lzma", "_markupbase",
        "_md5", "_msi", "_multibytecodec", "_multiprocessing", "_opcode", "_operator", "_osx_support", "_overlapped",
        "_pickle", "_posixshmem", "_posixsubprocess", "_py_abc", "_pydecimal", "_pyio", "_queue", "_random", "_scproxy",
        "_sha1", "_sha256", "_sha3", "_sha512", "_signal", "_sitebuiltins", "_socket", "_sqlite3", "_sre", "_ssl", "_stat",
        "_statistics", "_string", "_strptime", "_struct", "_symtable", "_thread", "_threading_local", "_tkinter",
        "_tokenize", "_tracemalloc", "_typing", "_uuid", "_warnings", "_weakref", "_weakrefset", "_winapi", "_zoneinfo",
        "abc", "aifc", "antigravity", "argparse", "array", "ast", "asynchat", "asyncio", "asyncore", "atexit", "audioop",
        "base64", "bdb", "binascii", "bisect", "builtins", "bz2", "cProfile", "calendar", "cgi", "cgitb", "chunk", "cmath",
        "cmd", "code", "codecs", "codeop", "collections", "colorsys", "compileall", "concurrent", "configparser",
        "contextlib", "contextvars", "copy", "copyreg", "crypt", "csv", "ctypes", "curses", "dataclasses", "datetime",
        "dbm", "decimal", "difflib", "dis", "distutils", "doctest", "email", "encodings", "ensurepip", "enum", "errno",
        "faulthandler", "fcntl", "filecmp", "fileinput", "fnmatch", "fractions", "ftplib", "functools", "gc", "genericpath",
        "getopt", "getpass", "gettext", "glob", "graphlib", "grp", "gzip", "hashlib", "heapq", "hmac", "html", "http",
        "idlelib", "imaplib", "imghdr", "imp", "importlib", "inspect", "io", "ipaddress", "itertools", "json", "keyword",
        "lib2to3", "linecache", "locale", "logging", "lzma", "mailbox", "mailcap", "marshal", "math", "mimetypes", "mmap",
        "modulefinder", "msilib", "msvcrt", "multiprocessing", "netrc", "nis", "nntplib", "nt", "ntpath", "nturl2path",
        "numbers", "opcode", "operator", "optparse", "os", "ossaudiodev", "pathlib", "pdb", "pickle", "pickletools",
        "pipes", "pkgutil", "platform", "plistlib", "poplib", "posix", "posixpath", "pprint", "profile", "pstats", "pty",
        "pwd", "py_compile", "pyclbr", "pydoc", "pydoc_data", "pyexpat", "queue", "quopri", "random", "re", "readline",
        "reprlib", "resource", "rlcompleter", "runpy", "sched", "secrets", "select", "selectors", "shelve", "shlex",
        "shutil", "signal", "site", "smtpd", "smtplib", "sndhdr", "socket", "socketserver", "spwd", "sqlite3",
        "sre_compile", "sre_constants", "sre_parse", "ssl", "stat", "statistics", "string", "stringprep", "struct",
        "subprocess", "sunau", "symtable", "sys", "sysconfig", "syslog", "tabnanny", "tarfile", "telnetlib", "tempfile",
        "termios", "textwrap", "this", "threading", "time", "timeit", "tkinter", "token", "tokenize", "tomllib", "trace",
        "traceback", "tracemalloc", "tty", "turtle", "turtledemo", "types", "typing", "unicodedata", "unittest", "urllib",
        "uu", "uuid", "venv", "warnings", "wave", "weakref", "webbrowser", "winreg", "winsound", "wsgiref", "xdrlib", "xml",
        "xmlrpc", "zipapp", "zipfile", "zipimport", "zlib", "zoneinfo"
    ]

    /// The public names of CPython 3.11's modules that conclab's Python has (`dir(module)` without `_` names, data):
    /// one that conclab's module lacks is refused by name rather than reported as a missing attribute.
    package static let cpythonAttributes: [String: Set<String>] = [
        "heapq": [
            "heapify", "heappop", "heappush", "heappushpop", "heapreplace", "merge", "nlargest", "nsmallest"
        ],
        "bisect": [
            "bisect", "bisect_left", "bisect_right", "insort", "insort_left", "insort_right"
        ],
        "operator": [
            "abs", "add", "and_", "attrgetter", "call", "concat", "contains", "countOf", "delitem", "eq", "floordiv",
            "ge", "getitem", "gt", "iadd", "iand", "iconcat", "ifloordiv", "ilshift", "imatmul", "imod", "imul",
            "index", "indexOf", "inv", "invert", "ior", "ipow", "irshift", "is_", "is_not", "isub", "itemgetter",
            "itruediv", "ixor", "le", "length_hint", "lshift", "lt", "matmul", "methodcaller", "mod", "mul", "ne",
            "neg", "not_", "or_", "pos", "pow", "rshift", "setitem", "sub", "truediv", "truth", "xor"
        ],
        "copy": [
            "Error", "copy", "deepcopy", "dispatch_table", "error"
        ],
        "string": [
            "Formatter", "Template", "ascii_letters", "ascii_lowercase", "ascii_uppercase", "capwords", "digits",
            "hexdigits", "octdigits", "printable", "punctuation", "whitespace"
        ],
        "contextlib": [
            "AbstractAsyncContextManager", "AbstractContextManager", "AsyncContextDecorator", "AsyncExitStack",
            "ContextDecorator", "ExitStack", "GenericAlias", "MethodType", "abc", "aclosing", "asynccontextmanager",
            "chdir", "closing", "contextmanager", "deque", "nullcontext", "os", "redirect_stderr", "redirect_stdout",
            "suppress", "sys", "wraps"
        ],
        "functools": [
            "GenericAlias", "RLock", "WRAPPER_ASSIGNMENTS", "WRAPPER_UPDATES", "cache", "cached_property", "cmp_to_key",
            "get_cache_token", "lru_cache", "namedtuple", "partial", "partialmethod", "recursive_repr", "reduce",
            "singledispatch", "singledispatchmethod", "total_ordering", "update_wrapper", "wraps"
        ],
        "itertools": [
            "accumulate", "chain", "combinations", "combinations_with_replacement", "compress", "count", "cycle",
            "dropwhile", "filterfalse", "groupby", "islice", "pairwise", "permutations", "product", "repeat", "starmap",
            "takewhile", "tee", "zip_longest"
        ],
        "statistics": [
            "Counter", "Decimal", "Fraction", "LinearRegression", "NormalDist", "StatisticsError", "bisect_left",
            "bisect_right", "correlation", "covariance", "defaultdict", "erf", "exp", "fabs", "fmean", "fsum",
            "geometric_mean", "groupby", "harmonic_mean", "hypot", "linear_regression", "log", "math", "mean", "median",
            "median_grouped", "median_high", "median_low", "mode", "mul", "multimode", "namedtuple", "numbers",
            "pstdev", "pvariance", "quantiles", "random", "reduce", "repeat", "sqrt", "stdev", "sys", "tau", "variance"
        ],
        "json": [
            "JSONDecodeError", "JSONDecoder", "JSONEncoder", "codecs", "decoder", "detect_encoding", "dump", "dumps",
            "encoder", "load", "loads", "scanner"
        ],
        "typing": [
            "ABCMeta", "AbstractSet", "Annotated", "Any", "AnyStr", "AsyncContextManager", "AsyncGenerator",
            "AsyncIterable", "AsyncIterator", "Awaitable", "BinaryIO", "ByteString", "CT_co", "Callable", "ChainMap",
            "ClassVar", "Collection", "Concatenate", "Container", "ContextManager", "Coroutine", "Counter",
            "DefaultDict", "Deque", "Dict", "EXCLUDED_ATTRIBUTES", "Final", "ForwardRef", "FrozenSet", "Generator",
            "Generic", "GenericAlias", "Hashable", "IO", "ItemsView", "Iterable", "Iterator", "KT", "KeysView", "List",
            "Literal", "LiteralString", "Mapping", "MappingView", "Match", "MethodDescriptorType", "MethodWrapperType",
            "MutableMapping", "MutableSequence", "MutableSet", "NamedTuple", "NamedTupleMeta", "Never", "NewType",
            "NoReturn", "NotRequired", "Optional", "OrderedDict", "ParamSpec", "ParamSpecArgs", "ParamSpecKwargs",
            "Pattern", "Protocol", "Required", "Reversible", "Self", "Sequence", "Set", "Sized", "SupportsAbs",
            "SupportsBytes", "SupportsComplex", "SupportsFloat", "SupportsIndex", "SupportsInt", "SupportsRound", "T",
            "TYPE_CHECKING", "T_co", "T_contra", "Text", "TextIO", "Tuple", "Type", "TypeAlias", "TypeGuard", "TypeVar",
            "TypeVarTuple", "TypedDict", "Union", "Unpack", "VT", "VT_co", "V_co", "ValuesView",
            "WrapperDescriptorType", "abstractmethod", "assert_never", "assert_type", "cast", "clear_overloads",
            "collections", "contextlib", "dataclass_transform", "defaultdict", "final", "functools", "get_args",
            "get_origin", "get_overloads", "get_type_hints", "io", "is_typeddict", "no_type_check",
            "no_type_check_decorator", "operator", "overload", "re", "reveal_type", "runtime_checkable", "stdlib_re",
            "sys", "types", "warnings"
        ],
        "enum": [
            "CONFORM", "CONTINUOUS", "DynamicClassAttribute", "EJECT", "Enum", "EnumCheck", "EnumMeta", "EnumType",
            "Flag", "FlagBoundary", "IntEnum", "IntFlag", "KEEP", "MappingProxyType", "NAMED_FLAGS", "ReprEnum",
            "STRICT", "StrEnum", "UNIQUE", "auto", "bin", "bltns", "global_enum", "global_enum_repr",
            "global_flag_repr", "global_str", "member", "nonmember", "pickle_by_enum_name", "pickle_by_global_name",
            "property", "reduce", "show_flag_values", "sys", "unique", "verify"
        ],
        "textwrap": [
            "TextWrapper", "dedent", "fill", "indent", "re", "shorten", "wrap"
        ],
        "time": [
            "CLOCK_BOOTTIME", "CLOCK_MONOTONIC", "CLOCK_MONOTONIC_RAW", "CLOCK_PROCESS_CPUTIME_ID", "CLOCK_REALTIME",
            "CLOCK_TAI", "CLOCK_THREAD_CPUTIME_ID", "altzone", "asctime", "clock_getres", "clock_gettime",
            "clock_gettime_ns", "clock_settime", "clock_settime_ns", "ctime", "daylight", "get_clock_info", "gmtime",
            "localtime", "mktime", "monotonic", "monotonic_ns", "perf_counter", "perf_counter_ns", "process_time",
            "process_time_ns", "pthread_getcpuclockid", "sleep", "strftime", "strptime", "struct_time", "thread_time",
            "thread_time_ns", "time", "time_ns", "timezone", "tzname", "tzset"
        ],
        "threading": [
            "Barrier", "BoundedSemaphore", "BrokenBarrierError", "Condition", "Event", "ExceptHookArgs", "Lock",
            "RLock", "Semaphore", "TIMEOUT_MAX", "Thread", "ThreadError", "Timer", "WeakSet", "activeCount",
            "active_count", "currentThread", "current_thread", "enumerate", "excepthook", "functools", "get_ident",
            "get_native_id", "getprofile", "gettrace", "local", "main_thread", "setprofile", "settrace", "stack_size"
        ],
        "queue": [
            "Empty", "Full", "LifoQueue", "PriorityQueue", "Queue", "SimpleQueue", "deque", "heappop", "heappush",
            "threading", "time", "types"
        ],
        "collections": [
            "ChainMap", "Counter", "OrderedDict", "UserDict", "UserList", "UserString", "abc", "defaultdict", "deque",
            "namedtuple"
        ],
        "random": [
            "BPF", "LOG4", "NV_MAGICCONST", "RECIP_BPF", "Random", "SG_MAGICCONST", "SystemRandom", "TWOPI",
            "betavariate", "choice", "choices", "expovariate", "gammavariate", "gauss", "getrandbits", "getstate",
            "lognormvariate", "normalvariate", "paretovariate", "randbytes", "randint", "random", "randrange", "sample",
            "seed", "setstate", "shuffle", "triangular", "uniform", "vonmisesvariate", "weibullvariate"
        ],
        "math": [
            "acos", "acosh", "asin", "asinh", "atan", "atan2", "atanh", "cbrt", "ceil", "comb", "copysign", "cos",
            "cosh", "degrees", "dist", "e", "erf", "erfc", "exp", "exp2", "expm1", "fabs", "factorial", "floor", "fmod",
            "frexp", "fsum", "gamma", "gcd", "hypot", "inf", "isclose", "isfinite", "isinf", "isnan", "isqrt", "lcm",
            "ldexp", "lgamma", "log", "log10", "log1p", "log2", "modf", "nan", "nextafter", "perm", "pi", "pow", "prod",
            "radians", "remainder", "sin", "sinh", "sqrt", "tan", "tanh", "tau", "trunc", "ulp"
        ],
        "struct": [
            "Struct", "calcsize", "error", "iter_unpack", "pack", "pack_into", "unpack", "unpack_from"
        ],
        "socket": [
            "AF_ALG", "AF_APPLETALK", "AF_ASH", "AF_ATMPVC", "AF_ATMSVC", "AF_AX25", "AF_BRIDGE", "AF_CAN", "AF_DECnet",
            "AF_ECONET", "AF_INET", "AF_INET6", "AF_IPX", "AF_IRDA", "AF_KEY", "AF_LLC", "AF_NETBEUI", "AF_NETLINK",
            "AF_NETROM", "AF_PACKET", "AF_PPPOX", "AF_QIPCRTR", "AF_RDS", "AF_ROSE", "AF_ROUTE", "AF_SECURITY",
            "AF_SNA", "AF_TIPC", "AF_UNIX", "AF_UNSPEC", "AF_VSOCK", "AF_WANPIPE", "AF_X25", "AI_ADDRCONFIG", "AI_ALL",
            "AI_CANONNAME", "AI_NUMERICHOST", "AI_NUMERICSERV", "AI_PASSIVE", "AI_V4MAPPED", "ALG_OP_DECRYPT",
            "ALG_OP_ENCRYPT", "ALG_OP_SIGN", "ALG_OP_VERIFY", "ALG_SET_AEAD_ASSOCLEN", "ALG_SET_AEAD_AUTHSIZE",
            "ALG_SET_IV", "ALG_SET_KEY", "ALG_SET_OP", "ALG_SET_PUBKEY", "AddressFamily", "AddressInfo", "CAN_BCM",
            "CAN_BCM_CAN_FD_FRAME", "CAN_BCM_RX_ANNOUNCE_RESUME", "CAN_BCM_RX_CHANGED", "CAN_BCM_RX_CHECK_DLC",
            "CAN_BCM_RX_DELETE", "CAN_BCM_RX_FILTER_ID", "CAN_BCM_RX_NO_AUTOTIMER", "CAN_BCM_RX_READ",
            "CAN_BCM_RX_RTR_FRAME", "CAN_BCM_RX_SETUP", "CAN_BCM_RX_STATUS", "CAN_BCM_RX_TIMEOUT", "CAN_BCM_SETTIMER",
            "CAN_BCM_STARTTIMER", "CAN_BCM_TX_ANNOUNCE", "CAN_BCM_TX_COUNTEVT", "CAN_BCM_TX_CP_CAN_ID",
            "CAN_BCM_TX_DELETE", "CAN_BCM_TX_EXPIRED", "CAN_BCM_TX_READ", "CAN_BCM_TX_RESET_MULTI_IDX",
            "CAN_BCM_TX_SEND", "CAN_BCM_TX_SETUP", "CAN_BCM_TX_STATUS", "CAN_EFF_FLAG", "CAN_EFF_MASK", "CAN_ERR_FLAG",
            "CAN_ERR_MASK", "CAN_ISOTP", "CAN_J1939", "CAN_RAW", "CAN_RAW_FD_FRAMES", "CAN_RAW_FILTER",
            "CAN_RAW_JOIN_FILTERS", "CAN_RAW_LOOPBACK", "CAN_RAW_RECV_OWN_MSGS", "CAN_RTR_FLAG", "CAN_SFF_MASK", "CAPI",
            "CMSG_LEN", "CMSG_SPACE", "EAGAIN", "EAI_ADDRFAMILY", "EAI_AGAIN", "EAI_BADFLAGS", "EAI_FAIL", "EAI_FAMILY",
            "EAI_MEMORY", "EAI_NODATA", "EAI_NONAME", "EAI_OVERFLOW", "EAI_SERVICE", "EAI_SOCKTYPE", "EAI_SYSTEM",
            "EBADF", "EWOULDBLOCK", "INADDR_ALLHOSTS_GROUP", "INADDR_ANY", "INADDR_BROADCAST", "INADDR_LOOPBACK",
            "INADDR_MAX_LOCAL_GROUP", "INADDR_NONE", "INADDR_UNSPEC_GROUP", "IOCTL_VM_SOCKETS_GET_LOCAL_CID",
            "IPPORT_RESERVED", "IPPORT_USERRESERVED", "IPPROTO_AH", "IPPROTO_DSTOPTS", "IPPROTO_EGP", "IPPROTO_ESP",
            "IPPROTO_FRAGMENT", "IPPROTO_GRE", "IPPROTO_HOPOPTS", "IPPROTO_ICMP", "IPPROTO_ICMPV6", "IPPROTO_IDP",
            "IPPROTO_IGMP", "IPPROTO_IP", "IPPROTO_IPIP", "IPPROTO_IPV6", "IPPROTO_MPTCP", "IPPROTO_NONE",
            "IPPROTO_PIM", "IPPROTO_PUP", "IPPROTO_RAW", "IPPROTO_ROUTING", "IPPROTO_RSVP", "IPPROTO_SCTP",
            "IPPROTO_TCP", "IPPROTO_TP", "IPPROTO_UDP", "IPPROTO_UDPLITE", "IPV6_CHECKSUM", "IPV6_DONTFRAG",
            "IPV6_DSTOPTS", "IPV6_HOPLIMIT", "IPV6_HOPOPTS", "IPV6_JOIN_GROUP", "IPV6_LEAVE_GROUP",
            "IPV6_MULTICAST_HOPS", "IPV6_MULTICAST_IF", "IPV6_MULTICAST_LOOP", "IPV6_NEXTHOP", "IPV6_PATHMTU",
            "IPV6_PKTINFO", "IPV6_RECVDSTOPTS", "IPV6_RECVHOPLIMIT", "IPV6_RECVHOPOPTS", "IPV6_RECVPATHMTU",
            "IPV6_RECVPKTINFO", "IPV6_RECVRTHDR", "IPV6_RECVTCLASS", "IPV6_RTHDR", "IPV6_RTHDRDSTOPTS",
            "IPV6_RTHDR_TYPE_0", "IPV6_TCLASS", "IPV6_UNICAST_HOPS", "IPV6_V6ONLY", "IP_ADD_MEMBERSHIP",
            "IP_BIND_ADDRESS_NO_PORT", "IP_DEFAULT_MULTICAST_LOOP", "IP_DEFAULT_MULTICAST_TTL", "IP_DROP_MEMBERSHIP",
            "IP_HDRINCL", "IP_MAX_MEMBERSHIPS", "IP_MULTICAST_IF", "IP_MULTICAST_LOOP", "IP_MULTICAST_TTL",
            "IP_OPTIONS", "IP_RECVOPTS", "IP_RECVRETOPTS", "IP_RECVTOS", "IP_RETOPTS", "IP_TOS", "IP_TRANSPARENT",
            "IP_TTL", "IntEnum", "IntFlag", "J1939_EE_INFO_NONE", "J1939_EE_INFO_TX_ABORT", "J1939_FILTER_MAX",
            "J1939_IDLE_ADDR", "J1939_MAX_UNICAST_ADDR", "J1939_NLA_BYTES_ACKED", "J1939_NLA_PAD", "J1939_NO_ADDR",
            "J1939_NO_NAME", "J1939_NO_PGN", "J1939_PGN_ADDRESS_CLAIMED", "J1939_PGN_ADDRESS_COMMANDED",
            "J1939_PGN_MAX", "J1939_PGN_PDU1_MAX", "J1939_PGN_REQUEST", "MSG_CMSG_CLOEXEC", "MSG_CONFIRM", "MSG_CTRUNC",
            "MSG_DONTROUTE", "MSG_DONTWAIT", "MSG_EOR", "MSG_ERRQUEUE", "MSG_FASTOPEN", "MSG_MORE", "MSG_NOSIGNAL",
            "MSG_OOB", "MSG_PEEK", "MSG_TRUNC", "MSG_WAITALL", "MsgFlag", "NETLINK_CRYPTO", "NETLINK_DNRTMSG",
            "NETLINK_FIREWALL", "NETLINK_IP6_FW", "NETLINK_NFLOG", "NETLINK_ROUTE", "NETLINK_USERSOCK", "NETLINK_XFRM",
            "NI_DGRAM", "NI_MAXHOST", "NI_MAXSERV", "NI_NAMEREQD", "NI_NOFQDN", "NI_NUMERICHOST", "NI_NUMERICSERV",
            "PACKET_BROADCAST", "PACKET_FASTROUTE", "PACKET_HOST", "PACKET_LOOPBACK", "PACKET_MULTICAST",
            "PACKET_OTHERHOST", "PACKET_OUTGOING", "PF_CAN", "PF_PACKET", "PF_RDS", "SCM_CREDENTIALS",
            "SCM_J1939_DEST_ADDR", "SCM_J1939_DEST_NAME", "SCM_J1939_ERRQUEUE", "SCM_J1939_PRIO", "SCM_RIGHTS",
            "SHUT_RD", "SHUT_RDWR", "SHUT_WR", "SOCK_CLOEXEC", "SOCK_DGRAM", "SOCK_NONBLOCK", "SOCK_RAW", "SOCK_RDM",
            "SOCK_SEQPACKET", "SOCK_STREAM", "SOL_ALG", "SOL_CAN_BASE", "SOL_CAN_RAW", "SOL_IP", "SOL_RDS",
            "SOL_SOCKET", "SOL_TCP", "SOL_TIPC", "SOL_UDP", "SOMAXCONN", "SO_ACCEPTCONN", "SO_BINDTODEVICE",
            "SO_BROADCAST", "SO_DEBUG", "SO_DOMAIN", "SO_DONTROUTE", "SO_ERROR", "SO_INCOMING_CPU", "SO_J1939_ERRQUEUE",
            "SO_J1939_FILTER", "SO_J1939_PROMISC", "SO_J1939_SEND_PRIO", "SO_KEEPALIVE", "SO_LINGER", "SO_MARK",
            "SO_OOBINLINE", "SO_PASSCRED", "SO_PASSSEC", "SO_PEERCRED", "SO_PEERSEC", "SO_PRIORITY", "SO_PROTOCOL",
            "SO_RCVBUF", "SO_RCVLOWAT", "SO_RCVTIMEO", "SO_REUSEADDR", "SO_REUSEPORT", "SO_SNDBUF", "SO_SNDLOWAT",
            "SO_SNDTIMEO", "SO_TYPE", "SO_VM_SOCKETS_BUFFER_MAX_SIZE", "SO_VM_SOCKETS_BUFFER_MIN_SIZE",
            "SO_VM_SOCKETS_BUFFER_SIZE", "SocketIO", "SocketKind", "SocketType", "TCP_CONGESTION", "TCP_CORK",
            "TCP_DEFER_ACCEPT", "TCP_FASTOPEN", "TCP_INFO", "TCP_KEEPCNT", "TCP_KEEPIDLE", "TCP_KEEPINTVL",
            "TCP_LINGER2", "TCP_MAXSEG", "TCP_NODELAY", "TCP_NOTSENT_LOWAT", "TCP_QUICKACK", "TCP_SYNCNT",
            "TCP_USER_TIMEOUT", "TCP_WINDOW_CLAMP", "TIPC_ADDR_ID", "TIPC_ADDR_NAME", "TIPC_ADDR_NAMESEQ",
            "TIPC_CFG_SRV", "TIPC_CLUSTER_SCOPE", "TIPC_CONN_TIMEOUT", "TIPC_CRITICAL_IMPORTANCE",
            "TIPC_DEST_DROPPABLE", "TIPC_HIGH_IMPORTANCE", "TIPC_IMPORTANCE", "TIPC_LOW_IMPORTANCE",
            "TIPC_MEDIUM_IMPORTANCE", "TIPC_NODE_SCOPE", "TIPC_PUBLISHED", "TIPC_SRC_DROPPABLE", "TIPC_SUBSCR_TIMEOUT",
            "TIPC_SUB_CANCEL", "TIPC_SUB_PORTS", "TIPC_SUB_SERVICE", "TIPC_TOP_SRV", "TIPC_WAIT_FOREVER",
            "TIPC_WITHDRAWN", "TIPC_ZONE_SCOPE", "UDPLITE_RECV_CSCOV", "UDPLITE_SEND_CSCOV", "VMADDR_CID_ANY",
            "VMADDR_CID_HOST", "VMADDR_PORT_ANY", "VM_SOCKETS_INVALID_VERSION", "array", "close", "create_connection",
            "create_server", "dup", "errno", "error", "fromfd", "gaierror", "getaddrinfo", "getdefaulttimeout",
            "getfqdn", "gethostbyaddr", "gethostbyname", "gethostbyname_ex", "gethostname", "getnameinfo",
            "getprotobyname", "getservbyname", "getservbyport", "has_dualstack_ipv6", "has_ipv6", "herror", "htonl",
            "htons", "if_indextoname", "if_nameindex", "if_nametoindex", "inet_aton", "inet_ntoa", "inet_ntop",
            "inet_pton", "io", "ntohl", "ntohs", "os", "recv_fds", "selectors", "send_fds", "setdefaulttimeout",
            "sethostname", "socket", "socketpair", "sys", "timeout"
        ],
        "select": [
            "EPOLLERR", "EPOLLET", "EPOLLEXCLUSIVE", "EPOLLHUP", "EPOLLIN", "EPOLLMSG", "EPOLLONESHOT", "EPOLLOUT",
            "EPOLLPRI", "EPOLLRDBAND", "EPOLLRDHUP", "EPOLLRDNORM", "EPOLLWRBAND", "EPOLLWRNORM", "EPOLL_CLOEXEC",
            "PIPE_BUF", "POLLERR", "POLLHUP", "POLLIN", "POLLMSG", "POLLNVAL", "POLLOUT", "POLLPRI", "POLLRDBAND",
            "POLLRDHUP", "POLLRDNORM", "POLLWRBAND", "POLLWRNORM", "epoll", "error", "poll", "select"
        ],
        "dis": [
            "BINARY_OP", "Bytecode", "CACHE", "COMPILER_FLAG_NAMES", "EXTENDED_ARG", "FORMAT_VALUE",
            "FORMAT_VALUE_CONVERTERS", "HAVE_ARGUMENT", "Instruction", "JUMP_BACKWARD", "LOAD_CONST", "LOAD_GLOBAL",
            "MAKE_FUNCTION", "MAKE_FUNCTION_FLAGS", "Positions", "UNKNOWN", "cmp_op", "code_info", "collections",
            "deoptmap", "dis", "disassemble", "disco", "distb", "findlabels", "findlinestarts", "get_instructions",
            "hascompare", "hasconst", "hasfree", "hasjabs", "hasjrel", "haslocal", "hasname", "hasnargs", "io", "main",
            "opmap", "opname", "pretty_flags", "show_code", "spec_op", "specialized", "stack_effect", "sys", "types"
        ],
        "concurrent.futures": [
            "ALL_COMPLETED", "BrokenExecutor", "CancelledError", "Executor", "FIRST_COMPLETED", "FIRST_EXCEPTION",
            "Future", "ProcessPoolExecutor", "ThreadPoolExecutor", "TimeoutError", "as_completed", "wait"
        ],
    ]
}
