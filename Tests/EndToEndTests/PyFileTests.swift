import Foundation
import LabOS
import Testing
import TestSupport

extension EndToEnd {
    /// `py --file` runs a file as python3 runs a script: what it prints on stdout, a last expression not echoed, and
    /// after an exception, the prints before it on stdout and the error on stderr.
    @Suite struct PyFileTests {
        @Test func aFileRunsAsAScript() throws {
            let dir = try TemporaryDirectory("pyfile")
            defer { dir.remove() }
            let ok = try dir.write("ok.py", "def add(a, b):\n    return a + b\nprint(add(1, 2))\nadd(5, 6)\n")
            let quiet = try runConclab(["py", "--file", ok])
            #expect(quiet.status == 0 && quiet.stdout == "3\n", "\(quiet)")
            let bad = try dir.write("bad.py", "print('before')\nx = 1 // 0\n")
            let failed = try runConclab(["py", "--file", bad])
            expectEqual(failed.status, 1, "\(failed)")
            expectEqual(failed.stdout, "before\n", "\(failed)")
            #expect(failed.stderr.contains("ZeroDivisionError: integer division or modulo by zero") && !failed.stderr.contains("before"), "\(failed)")
        }
    }
}
