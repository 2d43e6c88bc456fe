import Testing
import TestSupport
import LabCore
import PyLab

/// The standard-library modules written for conclab's Python: each example's output is what python3 (CPython
/// 3.11.7) printed for the same program, and the heap is checked afterwards (the natives of `copy` and `time`
/// hand out references).
@Suite("Modules: the standard library beyond concurrency")
struct StdlibModuleTests {
    @Test("a module prints what CPython prints", arguments: [
        ("import heapq\nh = []\nfor x in [5, 3, 8, 1, 9, 2]:\n    heapq.heappush(h, x)\nprint(h, heapq.heappop(h), h)",
         "[2, 3, 8, 5, 9] 1 [2, 3, 8, 5, 9]\n"),
        ("import json\nprint(json.dumps({\"b\": [1.5, None, True], \"a\": \"é\"}, sort_keys=True), json.loads('[0.1, -2, \"x\\\\n\"]'))",
         "{\"a\": \"\\u00e9\", \"b\": [1.5, null, true]} [0.1, -2, 'x\\n']\n"),
        ("import statistics\nprint(statistics.mean([0.1, 0.2, 0.3]), statistics.stdev([1.5, 2.5, 2.5, 2.75, 3.25, 4.75]), statistics.variance([1, 2, 3, 4]))",
         "0.2 1.0810874155219827 1.6666666666666667\n"),
        ("import copy\nclass A:\n    def __init__(self):\n        self.items = [[1]]\na = A()\nb = copy.deepcopy(a)\nb.items[0].append(2)\nprint(a.items, b.items, type(b).__name__)",
         "[[1]] [[1, 2]] A\n"),
        ("import time\nprint(time.gmtime(951782400), time.strftime('%Y-%m-%d %a %j', time.gmtime(951782400)))",
         "time.struct_time(tm_year=2000, tm_mon=2, tm_mday=29, tm_hour=0, tm_min=0, tm_sec=0, tm_wday=1, tm_yday=60, tm_isdst=0) 2000-02-29 Tue 060\n"),
        ("from typing import Dict, List, Optional\nprint(Dict[str, List[int]], Optional[int])",
         "typing.Dict[str, typing.List[int]] typing.Optional[int]\n"),
    ])
    func printsAsCPython(_ example: (String, String)) {
        let py = PyHarness()
        let result = py.run(example.0)
        expectEqual(result.error, nil, "\(result.error ?? "")")
        expectEqual(result.output, example.1)
        expectEqual(py.check().refcountErrors, 0)
    }

    @Test("a standard module conclab lacks, or a name its module lacks, is refused by name", arguments: [
        ("import decimal", "ModuleNotFoundError: conclab's Python does not support the module decimal"),
        ("import xml.etree.ElementTree", "ModuleNotFoundError: conclab's Python does not support the module xml.etree.ElementTree"),
        ("import numpy_is_not_stdlib", "ModuleNotFoundError: No module named 'numpy_is_not_stdlib'"),
        ("from json import JSONEncoder", "NotImplementedError: conclab's Python does not support json.JSONEncoder"),
        ("import string\nstring.Formatter", "NotImplementedError: conclab's Python does not support string.Formatter"),
        ("import datetime", "ModuleNotFoundError: conclab's Python does not support the module datetime"),
        ("from heapq import nothing_here", "ImportError: cannot import name 'nothing_here' from 'heapq' (unknown location)"),
    ])
    func refusals(_ example: (String, String)) {
        let result = PyHarness().run(example.0)
        expectEqual(result.error?.contains(example.1), true, "got \(result.error ?? "no error")")
    }
}
