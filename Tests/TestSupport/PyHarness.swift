import LabCore
import PyLab

/// Runs snippets in a fresh interpreter and checks the heap afterwards.
package struct PyHarness {
    package let runtime: PyRuntime

    package init(runtime: PyRuntime = PyRuntime()) { self.runtime = runtime }

    /// Output, error summary (nil on success) and value of the last expression.
    package func run(_ source: String, value: Bool = false) -> (output: String, error: String?, value: Value?) {
        let code: CodeObject
        do {
            code = try runtime.compile(source, returnLastValue: value)
        } catch {
            return ("", error.description, nil)
        }
        let outcome = runtime.runHere(code, name: "test", cancellation: nil, wantValue: value)
        return (outcome.output, outcome.error, outcome.value)
    }

    /// The heap check with no snippet running.
    package func check() -> HeapReport { runtime.safePoint(check: true) ?? HeapReport() }
}
