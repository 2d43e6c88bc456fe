import LabCore

/// Snippet values as the lab's result values.
extension PyThreadState {
    /// A snippet value as a result value (for lab checks and JSON).
    package func labValue(_ v: PyValue, depth: Int = 0) -> Value {
        if v.isInt { return .int(v.intValue) }
        if v == .true { return .bool(true) }
        if v == .false { return .bool(false) }
        if v == .none || v == .unbound { return .null }
        if v.isObject {
            let o = v.object
            if o.isFreed { return .string("<freed \(o.typeName) #\(o.id)>") }
            switch o.kind {
            case .str: return .string(unsafeDowncast(o, to: PyStr.self).value)
            case .float: return .double(unsafeDowncast(o, to: PyFloat.self).value)
            case .list, .tuple:
                guard depth < 8 else { return .string("[…]") }
                let items = sequenceItems(o)
                return .list(items.prefix(1000).map { labValue($0, depth: depth + 1) })
            case .dict:
                guard depth < 8 else { return .string("{…}") }
                let entries = unsafeDowncast(o, to: PyDict.self).storage.withLock { $0.entries.compactMap { $0 } }
                return .record(Record(entries.prefix(1000).map { ((try? str($0.key)) ?? "?", labValue($0.value, depth: depth + 1)) }))
            default: break
            }
        }
        return .string((try? repr(v)) ?? "?")
    }
}
